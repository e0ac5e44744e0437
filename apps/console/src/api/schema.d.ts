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
        /** Dead-lettered jobs of every shard, newest first */
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
        get?: never;
        put?: never;
        post?: never;
        /** Drop one dead-lettered job */
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
                        jobs: components["schemas"]["DeadLetter"][];
                    };
                };
            };
            400: components["responses"]["BadInput"];
            401: components["responses"]["Unauthorized"];
            429: components["responses"]["TooManyFailures"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    deleteDlqById: {
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
                    ids: string[];
                    /** @description A whole number from 1 to 100000, as a number or a string of digits */
                    rate_per_second?: number | string;
                    operator?: string;
                } | {
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
                action?: "advertiser.create" | "offer.create" | "rejection_url.create" | "rejection_url.rotate" | "rejection_url.revoke" | "conversions.import" | "postbacks.prune" | "dlq.replay" | "dlq.replay_cancel" | "dlq.purge" | "dlq.delete" | "shard_layout.forget" | "bulk_rejection.upload" | "bulk_rejection.cancel" | "login" | "logout";
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
