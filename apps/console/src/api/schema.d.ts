// The admin API's types for the console, made from apps/admin/openapi.json by openapi-typescript.
// Do not edit: change the route documents in apps/admin/src/openapi/ and run `npm run openapi`.

export interface paths {
    "/admin/advertisers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List advertisers, oldest first, optionally by a part of the name */
        get: operations["getAdvertisers"];
        put?: never;
        /** Create an advertiser */
        post: operations["postAdvertisers"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/advertisers/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One advertiser */
        get: operations["getAdvertisersById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/offers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List offers, oldest first, optionally of one advertiser */
        get: operations["getOffers"];
        put?: never;
        /** Create an offer of an advertiser */
        post: operations["postOffers"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/offers/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One offer */
        get: operations["getOffersById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/rejection-endpoints": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List rejection URLs (never their keys), oldest first */
        get: operations["getRejectionEndpoints"];
        put?: never;
        /**
         * Create a rejection URL: global (advertiser_id) or offer-level (offer_id)
         * @description The answer holds the URL with its key; only the key's hash is stored, so this is the one time it is shown.
         */
        post: operations["postRejectionEndpoints"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/rejection-endpoints/{id}/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rotate a rejection URL: a new URL of the same scope; the old one works until the end of its grace
         * @description The answer holds the new URL with its key, shown this once. The old URL is refused from old_expires_at on.
         */
        post: operations["postRejectionEndpointsByIdRotate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/rejection-endpoints/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke a rejection URL (idempotent): receivers refuse its key within seconds */
        delete: operations["deleteRejectionEndpointsById"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/conversions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Import conversions the platform tracked (existing transaction ids are left as they are) */
        post: operations["postConversions"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/conversions/{transactionId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A conversion with its status history, oldest change first */
        get: operations["getConversionsByTransactionId"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/postbacks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Search the postback log, newest first */
        get: operations["getPostbacks"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/postbacks.csv": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Export the postback log rows the filters match as CSV, newest first, streamed
         * @description The search's filters, without paging. A failure once rows are being sent cuts the response short (an incomplete transfer), never an end that looks complete.
         */
        get: operations["getPostbacksCsv"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/postbacks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What became of one postback: its log row, or queued / dead_lettered until it is applied */
        get: operations["getPostbacksById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/refusals": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Refused postback requests, newest first, optionally of one rejection URL, one status, since a time */
        get: operations["getRefusals"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/reports/rejections": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Rejections over time, grouped by reason, offer, advertiser or outcome, in hour or day buckets
         * @description The span is widened to whole buckets (UTC); the answer says which span it covers.
         */
        get: operations["getReportsRejections"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/reports/rejections.csv": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The same report as CSV */
        get: operations["getReportsRejectionsCsv"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/dlq": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Dead-lettered jobs of a queue, newest first: every postback shard's (queue=postbacks, the default) or the deliveries' */
        get: operations["getDlq"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/dlq/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One dead-lettered job of a queue */
        get: operations["getDlqById"];
        put?: never;
        post?: never;
        /** Drop one dead-lettered job of a queue */
        delete: operations["deleteDlqById"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/dlq/replay": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Replay dead-lettered jobs by ids (in the foreground) or all (in the background) */
        post: operations["postDlqReplay"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/dlq/replays": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Replays, newest first */
        get: operations["getDlqReplays"];
        put?: never;
        /** Start a filtered replay in the background, or estimate it (dry_run) */
        post: operations["postDlqReplays"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/dlq/replays/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One replay and its progress */
        get: operations["getDlqReplaysById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/dlq/replays/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Ask a running replay to stop before its next job */
        post: operations["postDlqReplaysByIdCancel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/dlq/purge": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Drop the dead-lettered jobs a filter matches, for good (needs "confirm": true)
         * @description Without confirm nothing is dropped: the answer is a 400 with would_purge, the count the filter matches.
         */
        post: operations["postDlqPurge"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/rejections/bulk": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Bulk uploads, newest first */
        get: operations["getRejectionsBulk"];
        put?: never;
        /** Upload rejections in bulk (CSV with header transaction_id[,reason], or NDJSON), staged then queued */
        post: operations["postRejectionsBulk"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/rejections/bulk/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One upload, its progress and a page of its invalid rows */
        get: operations["getRejectionsBulkById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/rejections/bulk/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel an upload: rows not queued yet are not */
        post: operations["postRejectionsBulkByIdCancel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/publishers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List publishers, oldest first, optionally by a part of the name */
        get: operations["getPublishers"];
        put?: never;
        /** Create a publisher (an affiliate) */
        post: operations["postPublishers"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/publishers/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One publisher */
        get: operations["getPublishersById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/affiliate-postbacks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List affiliate postbacks (not deleted), oldest first, optionally of one publisher, offer or status */
        get: operations["getAffiliatePostbacks"];
        put?: never;
        /**
         * Set up an affiliate postback: fired when one of the publisher's conversions (or one offer's) is rejected
         * @description url and body are templates with macros ({transaction_id}, {status}, {previous_status}, {rejected_reason}, {previous_reason}, {payout}, {offer_id}, {publisher_id}, {sub_id}, {changed_at}); an unknown one is a 400 naming it. With signing, the answer holds the secret, shown this once.
         */
        post: operations["postAffiliatePostbacks"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/affiliate-postbacks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One affiliate postback (never its secret) */
        get: operations["getAffiliatePostbacksById"];
        put?: never;
        post?: never;
        /** Delete an affiliate postback: never fired again, gone from the list; the delivery log still names it */
        delete: operations["deleteAffiliatePostbacksById"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/affiliate-postbacks/{id}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Pause an affiliate postback: its pending notifications are skipped, not sent */
        post: operations["postAffiliatePostbacksByIdPause"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/affiliate-postbacks/{id}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Resume a paused affiliate postback (clears paused_reason and paused_at) */
        post: operations["postAffiliatePostbacksByIdResume"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The delivery log: every attempt to deliver a notification, newest first */
        get: operations["getDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/alert-rules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List alert rules (not deleted), oldest first */
        get: operations["getAlertRules"];
        put?: never;
        /** Create a rejection-rate alert on an advertiser's conversions (advertiser_id) or one offer's (offer_id) */
        post: operations["postAlertRules"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/alert-rules/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One alert rule, with its state and last evaluation */
        get: operations["getAlertRulesById"];
        put?: never;
        post?: never;
        /** Delete an alert rule: no longer evaluated */
        delete: operations["deleteAlertRulesById"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/shard-layouts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The announced shard layouts (QUEUE_SHARDS values), their queues and live processes */
        get: operations["getShardLayouts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/shard-layouts/{shards}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Forget a shard layout nothing uses or holds jobs in any more */
        delete: operations["deleteShardLayoutsByShards"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The audit trail of operators' actions, newest first */
        get: operations["getAudit"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This document: the admin API as OpenAPI 3.1 */
        get: operations["getOpenapiJson"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Error: {
            error: string;
            field?: string;
        } & {
            [key: string]: unknown;
        };
        Advertiser: {
            id: number;
            name: string;
            /**
             * Format: date-time
             * @description ISO 8601, UTC
             * @example 2026-11-27T08:00:00.000Z
             */
            created_at: string;
        };
        Offer: {
            id: number;
            advertiser_id: number;
            name: string;
            /**
             * Format: date-time
             * @description ISO 8601, UTC
             * @example 2026-11-27T08:00:00.000Z
             */
            created_at: string;
        };
        NewRejectionEndpoint: {
            id: number;
            /** @enum {string} */
            scope: "global" | "offer";
            advertiser_id: number;
            offer_id: number | null;
            url: string;
            key: string;
        };
        RejectionEndpoint: {
            id: number;
            /** @enum {string} */
            scope: "global" | "offer";
            advertiser_id: number;
            offer_id: number | null;
            /**
             * Format: date-time
             * @description ISO 8601, UTC
             * @example 2026-11-27T08:00:00.000Z
             */
            created_at: string;
            revoked_at: string | null;
            /** @description When the last postback with its key still in the postback log was received */
            last_used_at: string | null;
            /** @description Postbacks with its key received in the last 24 hours and applied */
            postbacks_24h: number;
            /** @description A rotated URL's end of grace: refused from then on; null if never rotated */
            expires_at: string | null;
            /** @description The URL that replaced it at its rotation; null if not rotated */
            replaced_by: number | null;
        };
        RotatedRejectionEndpoint: {
            id: number;
            /** @enum {string} */
            scope: "global" | "offer";
            advertiser_id: number;
            offer_id: number | null;
            url: string;
            key: string;
            replaces: number;
            /**
             * Format: date-time
             * @description ISO 8601, UTC
             * @example 2026-11-27T08:00:00.000Z
             */
            old_expires_at: string;
        };
        Conversion: {
            transaction_id: string;
            offer_id: number;
            advertiser_id: number;
            /** @description The publisher (affiliate) who earned it; null when the import named none */
            publisher_id: number | null;
            /** @description The affiliate's own click label; null when the import gave none */
            sub_id: string | null;
            /** @enum {string} */
            status: "approved" | "pending" | "rejected";
            rejected_reason: string | null;
            payout: string | null;
            /**
             * Format: date-time
             * @description ISO 8601, UTC
             * @example 2026-11-27T08:00:00.000Z
             */
            created_at: string;
            /**
             * Format: date-time
             * @description ISO 8601, UTC
             * @example 2026-11-27T08:00:00.000Z
             */
            updated_at: string;
            history: {
                /** @enum {string} */
                from_status: "approved" | "pending" | "rejected";
                /** @enum {string} */
                to_status: "approved" | "pending" | "rejected";
                old_reason: string | null;
                new_reason: string | null;
                /** Format: uuid */
                postback_id: string;
                /**
                 * Format: date-time
                 * @description ISO 8601, UTC
                 * @example 2026-11-27T08:00:00.000Z
                 */
                changed_at: string;
            }[];
        };
        PostbackLogEntry: {
            /** Format: uuid */
            postback_id: string;
            /** @description The rejection URL it came through; null for a row of a bulk upload */
            endpoint_id: number | null;
            bulk_id: string | null;
            transaction_id: string;
            /** @description The rejection URL's or upload's advertiser; null on rows older than the column */
            advertiser_id: number | null;
            /** @description The conversion's offer; null when it was not found */
            offer_id: number | null;
            reason: string;
            /** @enum {string} */
            outcome: "rejected" | "reason_updated" | "unchanged" | "not_found" | "out_of_scope" | "superseded" | "revoked";
            /** @description Why it changed nothing (not_found, out_of_scope, superseded, revoked); null when it did */
            error: string | null;
            /** @description How it arrived: url, bulk or replay */
            source: string | null;
            /**
             * Format: date-time
             * @description ISO 8601, UTC
             * @example 2026-11-27T08:00:00.000Z
             */
            received_at: string;
            /**
             * Format: date-time
             * @description ISO 8601, UTC
             * @example 2026-11-27T08:00:00.000Z
             */
            processed_at: string;
            /** @description processed_at - received_at: from the receiver's 202 to the worker's commit */
            latency_ms: number;
            attempts: number;
        };
        PostbackStatus: {
            /** Format: uuid */
            postback_id: string;
            transaction_id: string | null;
            received_at: string | null;
            processed_at: string | null;
            /** @enum {string} */
            outcome: "rejected" | "reason_updated" | "unchanged" | "not_found" | "out_of_scope" | "superseded" | "revoked" | "queued" | "dead_lettered";
            attempts: number;
            error: string | null;
        };
        Refusal: {
            /** @description Its stream entry id; pass the last one as cursor for the next page */
            id: string;
            /**
             * Format: date-time
             * @description ISO 8601, UTC
             * @example 2026-11-27T08:00:00.000Z
             */
            at: string;
            status: number;
            error: string;
            field: string | null;
            /** @description null when the key was not known */
            endpoint_id: number | null;
            client: string;
            /** @description The request's path with the key masked */
            path: string;
            /** @description Requests alike refused within one turn of the receiver, recorded as this one entry */
            count: number;
        };
        RejectionReport: {
            /** @enum {string} */
            group_by: "reason" | "offer" | "advertiser" | "outcome";
            /** @enum {string} */
            bucket: "hour" | "day";
            /**
             * Format: date-time
             * @description The first bucket's start
             * @example 2026-11-27T08:00:00.000Z
             */
            since: string;
            /**
             * Format: date-time
             * @description The end of the last bucket (exclusive)
             * @example 2026-11-27T08:00:00.000Z
             */
            until: string;
            /** @description Every bucket start of the span, ascending, empty ones too */
            buckets: string[];
            /** @description Largest total first; share_percent of the report's total, two decimals */
            groups: {
                /** @description A reason or an outcome, or an offer's or advertiser's id */
                key: string | number;
                label: string;
                total: number;
                share_percent: number;
            }[];
            /** @description Non-zero counts only, by bucket, then in the order of groups */
            rows: {
                /**
                 * Format: date-time
                 * @description ISO 8601, UTC
                 * @example 2026-11-27T08:00:00.000Z
                 */
                bucket: string;
                /** @description A reason or an outcome, or an offer's or advertiser's id */
                key: string | number;
                count: number;
            }[];
        };
        /** @description A dead-lettered postback job (queue=postbacks) */
        DeadLetter: {
            id: string;
            shard: string;
            readable: boolean;
            postbacks: number;
            transaction_id: string | null;
            endpoint_id: number | null;
            bulk_id: string | null;
            error: string;
            error_kind: string;
            attempts: number;
            errors: string[];
            /**
             * Format: date-time
             * @description ISO 8601, UTC
             * @example 2026-11-27T08:00:00.000Z
             */
            dead_lettered_at: string;
        };
        /** @description A notification whose delivery failed for good (queue=deliveries) */
        DeadLetteredDelivery: {
            id: string;
            readable: boolean;
            notification_id: string | null;
            affiliate_postback_id: number | null;
            alert_rule_id: number | null;
            transaction_id: string | null;
            error: string;
            error_kind: string;
            attempts: number;
            errors: string[];
            /**
             * Format: date-time
             * @description ISO 8601, UTC
             * @example 2026-11-27T08:00:00.000Z
             */
            dead_lettered_at: string;
        };
        ReplayEstimate: {
            /** @constant */
            dry_run: true;
            matched: number;
            /** @description The dead-letter filter, as parsed */
            filter: {
                [key: string]: unknown;
            };
        };
        Replay: {
            /** Format: uuid */
            id: string;
            /** @enum {string} */
            status: "running" | "completed" | "cancelled" | "failed" | "interrupted";
            queue: string | null;
            /** @description The dead-letter filter, as parsed */
            filter: {
                [key: string]: unknown;
            };
            rate_per_second: number;
            operator: string;
            matched: number | null;
            replayed: number;
            missing: number;
            cancel_requested: boolean;
            error: string | null;
            /**
             * Format: date-time
             * @description ISO 8601, UTC
             * @example 2026-11-27T08:00:00.000Z
             */
            created_at: string;
            started_at: string | null;
            finished_at: string | null;
        };
        BulkRejectionWithInvalid: {
            /** Format: uuid */
            id: string;
            /** @enum {string} */
            status: "running" | "applying" | "completed" | "cancelled" | "failed";
            dry_run: boolean;
            /** @enum {string} */
            scope: "global" | "offer";
            advertiser_id: number;
            offer_id: number | null;
            reason: string | null;
            format: string;
            rows: number;
            invalid_count: number;
            queued: number;
            applied: number;
            outcomes: {
                rejected: number;
                reason_updated: number;
                unchanged: number;
                not_found: number;
                out_of_scope: number;
                superseded: number;
            };
            cancel_requested: boolean;
            error: string | null;
            created_by: string;
            /**
             * Format: date-time
             * @description ISO 8601, UTC
             * @example 2026-11-27T08:00:00.000Z
             */
            created_at: string;
            finished_at: string | null;
            invalid: {
                line: number;
                error: string;
            }[];
            next_invalid_cursor: string | null;
        };
        BulkRejection: {
            /** Format: uuid */
            id: string;
            /** @enum {string} */
            status: "running" | "applying" | "completed" | "cancelled" | "failed";
            dry_run: boolean;
            /** @enum {string} */
            scope: "global" | "offer";
            advertiser_id: number;
            offer_id: number | null;
            reason: string | null;
            format: string;
            rows: number;
            invalid_count: number;
            queued: number;
            applied: number;
            outcomes: {
                rejected: number;
                reason_updated: number;
                unchanged: number;
                not_found: number;
                out_of_scope: number;
                superseded: number;
            };
            cancel_requested: boolean;
            error: string | null;
            created_by: string;
            /**
             * Format: date-time
             * @description ISO 8601, UTC
             * @example 2026-11-27T08:00:00.000Z
             */
            created_at: string;
            finished_at: string | null;
        };
        Publisher: {
            id: number;
            name: string;
            /**
             * Format: date-time
             * @description ISO 8601, UTC
             * @example 2026-11-27T08:00:00.000Z
             */
            created_at: string;
        };
        NewAffiliatePostback: {
            id: number;
            publisher_id: number;
            /** @description Only this offer's conversions; null for all of the publisher's */
            offer_id: number | null;
            /** @description The URL template, macros unrendered */
            url: string;
            /** @enum {string} */
            method: "GET" | "POST" | "PUT";
            headers: {
                [key: string]: string;
            };
            body: string | null;
            events: ("rejected" | "reason_updated")[];
            /** @description Fires only for these rejection reasons; every reason when empty */
            reasons: string[];
            delay_seconds: number;
            /** @description Deliveries carry Standard Webhooks signature headers */
            signed: boolean;
            /** @enum {string} */
            status: "active" | "paused";
            /** @description Why it is paused: an operator, or "410 Gone from <host> at <time>" */
            paused_reason: string | null;
            paused_at: string | null;
            /**
             * Format: date-time
             * @description ISO 8601, UTC
             * @example 2026-11-27T08:00:00.000Z
             */
            created_at: string;
            /** @description The signing secret (whsec_…), with signing only: shown here once, never again */
            secret?: string;
        };
        AffiliatePostback: {
            id: number;
            publisher_id: number;
            /** @description Only this offer's conversions; null for all of the publisher's */
            offer_id: number | null;
            /** @description The URL template, macros unrendered */
            url: string;
            /** @enum {string} */
            method: "GET" | "POST" | "PUT";
            headers: {
                [key: string]: string;
            };
            body: string | null;
            events: ("rejected" | "reason_updated")[];
            /** @description Fires only for these rejection reasons; every reason when empty */
            reasons: string[];
            delay_seconds: number;
            /** @description Deliveries carry Standard Webhooks signature headers */
            signed: boolean;
            /** @enum {string} */
            status: "active" | "paused";
            /** @description Why it is paused: an operator, or "410 Gone from <host> at <time>" */
            paused_reason: string | null;
            paused_at: string | null;
            /**
             * Format: date-time
             * @description ISO 8601, UTC
             * @example 2026-11-27T08:00:00.000Z
             */
            created_at: string;
        };
        Delivery: {
            /** @description The attempt (a bigint, as text) */
            id: string;
            /**
             * Format: uuid
             * @description The webhook-id every attempt of the notification sent
             */
            notification_id: string;
            affiliate_postback_id: number | null;
            alert_rule_id: number | null;
            transaction_id: string | null;
            attempt: number;
            /**
             * Format: date-time
             * @description ISO 8601, UTC
             * @example 2026-11-27T08:00:00.000Z
             */
            attempted_at: string;
            /** @description The URL sent to, values of secret-looking query parameters masked (****) */
            url: string;
            status_code: number | null;
            latency_ms: number | null;
            /** @description The first kilobyte of the answer */
            response_head: string | null;
            error: string | null;
            /** @enum {string} */
            result: "delivered" | "retrying" | "failed";
        };
        AlertRule: {
            id: number;
            advertiser_id: number | null;
            offer_id: number | null;
            window_minutes: number;
            min_conversions: number;
            max_rejection_rate_percent: number;
            webhook_url: string;
            notify_resolved: boolean;
            /**
             * @description What was last notified
             * @enum {string}
             */
            state: "ok" | "firing";
            last_conversions: number | null;
            last_rejected: number | null;
            last_evaluated_at: string | null;
            state_changed_at: string | null;
            /**
             * Format: date-time
             * @description ISO 8601, UTC
             * @example 2026-11-27T08:00:00.000Z
             */
            created_at: string;
        };
        AuditRecord: {
            id: string;
            /**
             * Format: date-time
             * @description ISO 8601, UTC
             * @example 2026-11-27T08:00:00.000Z
             */
            at: string;
            operator: string;
            source: string;
            action: string;
            target: string | null;
            details: unknown;
            /** @enum {string} */
            outcome: "ok" | "failed";
        };
    };
    responses: {
        /** @description Bad input: `error` says what, `field` names the field */
        BadInput: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description No valid admin token (Authorization: Bearer) or login session cookie */
        Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Too many failed logins from this address; Retry-After says when to try again */
        TooManyFailures: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Redis or Postgres cannot be reached; Retry-After says when to try again */
        StoreUnavailable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getAdvertisers: {
        parameters: {
            query?: {
                name?: string;
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        advertisers: components["schemas"]["Advertiser"][];
                        /** @description Pass as cursor for the next page; null on the last one */
                        next_cursor: string | null;
                    };
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    postAdvertisers: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: number;
                        name: string;
                    };
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    getAdvertisersById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number | string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The advertiser */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Advertiser"];
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            /** @description No such advertiser */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    getOffers: {
        parameters: {
            query?: {
                advertiser_id?: number;
                name?: string;
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        offers: components["schemas"]["Offer"][];
                        /** @description Pass as cursor for the next page; null on the last one */
                        next_cursor: string | null;
                    };
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    postOffers: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description A whole number from 1 to 2147483647, as a number or a string of digits */
                    advertiser_id: number | string;
                    name: string;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: number;
                        advertiser_id: number;
                        name: string;
                    };
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            /** @description No such advertiser */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    getOffersById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number | string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The offer */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Offer"];
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            /** @description No such offer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    getRejectionEndpoints: {
        parameters: {
            query?: {
                advertiser_id?: number;
                offer_id?: number;
                scope?: "global" | "offer";
                revoked?: "true" | "false";
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        rejection_endpoints: components["schemas"]["RejectionEndpoint"][];
                        /** @description Pass as cursor for the next page; null on the last one */
                        next_cursor: string | null;
                    };
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    postRejectionEndpoints: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description A whole number from 1 to 2147483647, as a number or a string of digits */
                    advertiser_id?: number | string;
                    /** @description A whole number from 1 to 2147483647, as a number or a string of digits */
                    offer_id?: number | string;
                };
            };
        };
        responses: {
            /** @description Created; the URL is shown this once */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NewRejectionEndpoint"];
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            /** @description No such advertiser or offer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    postRejectionEndpointsByIdRotate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number | string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description A whole number from 0 to 7776000, as a number or a string of digits */
                    grace_seconds?: number | string;
                };
            };
        };
        responses: {
            /** @description Rotated; the new URL is shown this once */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RotatedRejectionEndpoint"];
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            /** @description No such rejection URL */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description It is revoked, or was already rotated */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    deleteRejectionEndpointsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number | string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: number;
                        /**
                         * Format: date-time
                         * @description ISO 8601, UTC
                         * @example 2026-11-27T08:00:00.000Z
                         */
                        revoked_at: string;
                    };
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            /** @description No such rejection URL */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    postConversions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    conversions: {
                        transaction_id: string;
                        /** @description A whole number from 1 to 2147483647, as a number or a string of digits */
                        offer_id: number | string;
                        /** @enum {string} */
                        status: "approved" | "pending" | "rejected";
                        payout?: number;
                        rejected_reason?: string;
                        /** @description A whole number from 1 to 2147483647, as a number or a string of digits */
                        publisher_id?: number | string;
                        sub_id?: string;
                    }[];
                };
            };
        };
        responses: {
            /** @description Imported */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        imported: number;
                    };
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    getConversionsByTransactionId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                transactionId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The conversion */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Conversion"];
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            /** @description No such conversion */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    getPostbacks: {
        parameters: {
            query?: {
                transaction_id?: string;
                advertiser_id?: number | string;
                offer_id?: number | string;
                endpoint_id?: number | string;
                bulk_id?: string;
                outcome?: "rejected" | "reason_updated" | "unchanged" | "not_found" | "out_of_scope" | "superseded" | "revoked";
                since?: string;
                until?: string;
                limit?: number | string;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        postbacks: components["schemas"]["PostbackLogEntry"][];
                        /** @description Pass as cursor for the next page; null on the last one */
                        next_cursor: string | null;
                    };
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    getPostbacksCsv: {
        parameters: {
            query?: {
                transaction_id?: string;
                advertiser_id?: number | string;
                offer_id?: number | string;
                endpoint_id?: number | string;
                bulk_id?: string;
                outcome?: "rejected" | "reason_updated" | "unchanged" | "not_found" | "out_of_scope" | "superseded" | "revoked";
                since?: string;
                until?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The CSV, header row first (Content-Disposition names the file) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/csv": string;
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    getPostbacksById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Its state */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostbackStatus"];
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            /** @description No such postback */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    getRefusals: {
        parameters: {
            query?: {
                endpoint_id?: number | string;
                status?: number | string;
                since?: string;
                cursor?: string;
                limit?: number | string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        refusals: components["schemas"]["Refusal"][];
                        /** @description Pass as cursor for the next page; null on the last one */
                        next_cursor: string | null;
                    };
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    getReportsRejections: {
        parameters: {
            query?: {
                group_by?: "reason" | "offer" | "advertiser" | "outcome";
                bucket?: "hour" | "day";
                since?: string;
                until?: string;
                advertiser_id?: number | string;
                offer_id?: number | string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The report */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RejectionReport"];
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    getReportsRejectionsCsv: {
        parameters: {
            query?: {
                group_by?: "reason" | "offer" | "advertiser" | "outcome";
                bucket?: "hour" | "day";
                since?: string;
                until?: string;
                advertiser_id?: number | string;
                offer_id?: number | string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The CSV (Content-Disposition names the file) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/csv": string;
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    getDlq: {
        parameters: {
            query?: {
                queue?: "postbacks" | "deliveries";
                limit?: number | string;
                offset?: number | string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        total: number;
                        jobs: (components["schemas"]["DeadLetter"] | components["schemas"]["DeadLetteredDelivery"])[];
                    };
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    getDlqById: {
        parameters: {
            query?: {
                queue?: "postbacks" | "deliveries";
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The entry */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeadLetter"] | components["schemas"]["DeadLetteredDelivery"];
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            /** @description No such dead-lettered job */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    deleteDlqById: {
        parameters: {
            query?: {
                queue?: "postbacks" | "deliveries";
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        deleted: string;
                    };
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            /** @description No such dead-lettered job */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    postDlqReplay: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * @default postbacks
                     * @enum {string}
                     */
                    queue?: "postbacks" | "deliveries";
                    ids: string[];
                    /** @description A whole number from 1 to 100000, as a number or a string of digits */
                    rate_per_second?: number | string;
                    operator?: string;
                } | {
                    /**
                     * @default postbacks
                     * @enum {string}
                     */
                    queue?: "postbacks" | "deliveries";
                    /** @constant */
                    all: true;
                    /** @description A whole number from 1 to 100000, as a number or a string of digits */
                    rate_per_second?: number | string;
                    operator?: string;
                };
            };
        };
        responses: {
            /** @description Replayed by ids */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        replayed: number;
                        ids: string[];
                        missing: string[];
                        /** Format: uuid */
                        replay_id: string;
                    };
                };
            };
            /** @description All: started in the background; poll /admin/dlq/replays/{replay_id} */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: uuid */
                        replay_id: string;
                    };
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    getDlqReplays: {
        parameters: {
            query?: {
                limit?: number | string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The replays */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        replays: components["schemas"]["Replay"][];
                    };
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    postDlqReplays: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @constant */
                    queue?: "postbacks";
                    filter?: {
                        ids?: string[];
                        error_kind?: string | string[];
                        /** Format: date-time */
                        from?: string;
                        /** Format: date-time */
                        to?: string;
                        older_than?: string;
                        /** @description A whole number from 1 to 2147483647, as a number or a string of digits */
                        advertiser_id?: number | string;
                        /** @description A whole number from 1 to 2147483647, as a number or a string of digits */
                        offer_id?: number | string;
                        /** @description A whole number from 1 to 2147483647, as a number or a string of digits */
                        endpoint_id?: number | string;
                    };
                    /** @default false */
                    dry_run?: boolean;
                    /** @description A whole number from 1 to 100000, as a number or a string of digits */
                    rate_per_second?: number | string;
                    operator?: string;
                } | {
                    /** @constant */
                    queue: "deliveries";
                    filter?: {
                        ids?: string[];
                        error_kind?: string | string[];
                        /** Format: date-time */
                        from?: string;
                        /** Format: date-time */
                        to?: string;
                        older_than?: string;
                        /** @description A whole number from 1 to 2147483647, as a number or a string of digits */
                        affiliate_postback_id?: number | string;
                        /** @description A whole number from 1 to 2147483647, as a number or a string of digits */
                        alert_rule_id?: number | string;
                        transaction_id?: string;
                    };
                    /** @default false */
                    dry_run?: boolean;
                    /** @description A whole number from 1 to 100000, as a number or a string of digits */
                    rate_per_second?: number | string;
                    operator?: string;
                };
            };
        };
        responses: {
            /** @description dry_run: what the filter matches now */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReplayEstimate"];
                };
            };
            /** @description Started; Location is its record */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Replay"];
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    getDlqReplaysById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The replay */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Replay"];
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            /** @description No such replay */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    postDlqReplaysByIdCancel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The replay as it stands */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Replay"];
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            /** @description No such replay */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    postDlqPurge: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @constant */
                    queue?: "postbacks";
                    filter: {
                        ids?: string[];
                        error_kind?: string | string[];
                        /** Format: date-time */
                        from?: string;
                        /** Format: date-time */
                        to?: string;
                        older_than?: string;
                        /** @description A whole number from 1 to 2147483647, as a number or a string of digits */
                        advertiser_id?: number | string;
                        /** @description A whole number from 1 to 2147483647, as a number or a string of digits */
                        offer_id?: number | string;
                        /** @description A whole number from 1 to 2147483647, as a number or a string of digits */
                        endpoint_id?: number | string;
                    };
                    /** @default false */
                    confirm?: boolean;
                } | {
                    /** @constant */
                    queue: "deliveries";
                    filter: {
                        ids?: string[];
                        error_kind?: string | string[];
                        /** Format: date-time */
                        from?: string;
                        /** Format: date-time */
                        to?: string;
                        older_than?: string;
                        /** @description A whole number from 1 to 2147483647, as a number or a string of digits */
                        affiliate_postback_id?: number | string;
                        /** @description A whole number from 1 to 2147483647, as a number or a string of digits */
                        alert_rule_id?: number | string;
                        transaction_id?: string;
                    };
                    /** @default false */
                    confirm?: boolean;
                };
            };
        };
        responses: {
            /** @description Purged */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        purged: number;
                    };
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    getRejectionsBulk: {
        parameters: {
            query?: {
                limit?: number | string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The uploads */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        bulk_rejections: components["schemas"]["BulkRejection"][];
                    };
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    postRejectionsBulk: {
        parameters: {
            query?: {
                advertiser_id?: number | string;
                offer_id?: number | string;
                reason?: string;
                dry_run?: "true" | "false";
            };
            header?: {
                /** @description A repeat with the same key answers the first upload (200) */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "text/csv": string;
                "application/x-ndjson": string;
            };
        };
        responses: {
            /** @description The Idempotency-Key named an earlier upload: that one */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BulkRejectionWithInvalid"];
                };
            };
            /** @description Staged; queued in the background. Location is its record */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BulkRejectionWithInvalid"];
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            /** @description No such advertiser or offer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The Idempotency-Key was used for an upload that asked for another scope, reason, format or dry_run */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not CSV or NDJSON in UTF-8 */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    getRejectionsBulkById: {
        parameters: {
            query?: {
                invalid_cursor?: number | string;
                limit?: number | string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The upload */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BulkRejectionWithInvalid"];
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            /** @description No such upload */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    postRejectionsBulkByIdCancel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The upload as it stands */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BulkRejectionWithInvalid"];
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            /** @description No such upload */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    getPublishers: {
        parameters: {
            query?: {
                name?: string;
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        publishers: components["schemas"]["Publisher"][];
                        /** @description Pass as cursor for the next page; null on the last one */
                        next_cursor: string | null;
                    };
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    postPublishers: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Publisher"];
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    getPublishersById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number | string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The publisher */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Publisher"];
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            /** @description No such publisher */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    getAffiliatePostbacks: {
        parameters: {
            query?: {
                publisher_id?: number | string;
                offer_id?: number | string;
                status?: "active" | "paused";
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        affiliate_postbacks: components["schemas"]["AffiliatePostback"][];
                        /** @description Pass as cursor for the next page; null on the last one */
                        next_cursor: string | null;
                    };
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    postAffiliatePostbacks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description A whole number from 1 to 2147483647, as a number or a string of digits */
                    publisher_id: number | string;
                    /** @description A whole number from 1 to 2147483647, as a number or a string of digits */
                    offer_id?: number | string;
                    /** Format: uri */
                    url: string;
                    method?: string;
                    /**
                     * @description Header names to values, sent with every delivery; not webhook-*, no CR or LF
                     * @default {}
                     */
                    headers?: {
                        [key: string]: string;
                    };
                    body?: string;
                    events: ("rejected" | "reason_updated")[];
                    reasons?: string[];
                    /** @description A whole number from 0 to 604800, as a number or a string of digits */
                    delay_seconds?: number | string;
                    /** @default false */
                    signing?: boolean;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NewAffiliatePostback"];
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            /** @description No such publisher or offer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    getAffiliatePostbacksById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number | string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The affiliate postback */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AffiliatePostback"];
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            /** @description No such affiliate postback, or it was deleted */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    deleteAffiliatePostbacksById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number | string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            /** @description No such affiliate postback, or it was deleted already */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    postAffiliatePostbacksByIdPause: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number | string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Paused (already paused: unchanged) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AffiliatePostback"];
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            /** @description No such affiliate postback, or it was deleted */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    postAffiliatePostbacksByIdResume: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number | string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Active */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AffiliatePostback"];
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            /** @description No such affiliate postback, or it was deleted */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    getDeliveries: {
        parameters: {
            query?: {
                affiliate_postback_id?: number | string;
                alert_rule_id?: number | string;
                transaction_id?: string;
                status?: "delivered" | "retrying" | "failed";
                limit?: number | string;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        deliveries: components["schemas"]["Delivery"][];
                        /** @description Pass as cursor for the next page; null on the last one */
                        next_cursor: string | null;
                    };
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    getAlertRules: {
        parameters: {
            query?: {
                advertiser_id?: number | string;
                offer_id?: number | string;
                state?: "ok" | "firing";
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        alert_rules: components["schemas"]["AlertRule"][];
                        /** @description Pass as cursor for the next page; null on the last one */
                        next_cursor: string | null;
                    };
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    postAlertRules: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description A whole number from 1 to 2147483647, as a number or a string of digits */
                    advertiser_id?: number | string;
                    /** @description A whole number from 1 to 2147483647, as a number or a string of digits */
                    offer_id?: number | string;
                    /** @description A whole number from 1 to 10080, as a number or a string of digits */
                    window_minutes: number | string;
                    /** @description A whole number from 1 to 2147483647, as a number or a string of digits */
                    min_conversions: number | string;
                    /** @description A number from 0 to 100 (two decimals kept) */
                    max_rejection_rate_percent: number | string;
                    /** Format: uri */
                    webhook_url: string;
                    /** @default false */
                    notify_resolved?: boolean;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AlertRule"];
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            /** @description No such advertiser or offer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    getAlertRulesById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number | string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The alert rule */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AlertRule"];
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            /** @description No such alert rule, or it was deleted */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    deleteAlertRulesById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number | string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            /** @description No such alert rule, or it was deleted already */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    getShardLayouts: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The layouts */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        this_process: number;
                        layouts: {
                            shards: number;
                            live_processes: {
                                [key: string]: number;
                            };
                            forgettable: boolean;
                            queues: {
                                shard: string;
                                /** @description Jobs in each state of the shard's postback queue */
                                jobs: {
                                    [key: string]: number;
                                };
                                dead_lettered: number;
                                also_in: number[];
                            }[];
                        }[];
                    };
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    deleteShardLayoutsByShards: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                shards: number | string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Forgotten */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        forgotten: number;
                        shards_no_longer_consumed: string[];
                    };
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            /** @description No such layout announced */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A live process uses it, or its shards still hold jobs */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    getAudit: {
        parameters: {
            query?: {
                operator?: string;
                action?: "advertiser.create" | "offer.create" | "rejection_url.create" | "rejection_url.rotate" | "rejection_url.revoke" | "conversions.import" | "postbacks.prune" | "dlq.replay" | "dlq.replay_cancel" | "dlq.purge" | "dlq.delete" | "shard_layout.forget" | "bulk_rejection.upload" | "bulk_rejection.cancel" | "publisher.create" | "affiliate_postback.create" | "affiliate_postback.pause" | "affiliate_postback.resume" | "affiliate_postback.delete" | "alert_rule.create" | "alert_rule.delete" | "login" | "logout";
                since?: string;
                until?: string;
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        audit: components["schemas"]["AuditRecord"][];
                        /** @description Pass as cursor for the next page; null on the last one */
                        next_cursor: string | null;
                    };
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    getOpenapiJson: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The OpenAPI document */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        openapi: string;
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
}
