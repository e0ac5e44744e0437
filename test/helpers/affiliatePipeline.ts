import type { Outcome } from '@postback/core';
import { createBulkRejections, type BulkRejections } from '../../apps/admin/src/bulk/bulkRejections.js';
import type { WorkerProcess } from '../../apps/worker/src/workerProcess.js';
import { adminCaller, type AdminAnswer } from './adminApiCalls.js';
import { connectAdminDeps, sendPostback, serveAdminApi, startInProcessWorker, startReceiver, type AdminHandle, type RunningReceiver } from './pipeline.js';
import { createTestEnvironment, eventually, type TestEnvironment } from './testEnvironment.js';

export const PIPELINE_ADMIN_TOKEN = 'affiliate-pipeline-admin-token-0123456789';

/**
 * The whole pipeline as an affiliate meets it: the receiver (`/v1/rejections?key=…`), a worker process as main.ts
 * wires it (appliers writing the outbox, the relay, the delivery worker, the maintenance jobs that evaluate alert
 * rules) and the admin API (with its bulk runner), each on loopback, sharing one test environment.
 */
export interface AffiliatePipeline {
  t: TestEnvironment;
  /** A JSON call to the admin API with the token. */
  call: ReturnType<typeof adminCaller>;
  adminUrl: string;
  receiverUrl: string;
  close: () => Promise<void>;
}

// Loopback affiliates allowed; a relay, backoff and alert schedule fast enough for a test to watch them work.
const PIPELINE_SETTINGS: Record<string, string> = {
  OUTBOUND_ALLOW_PRIVATE: 'true',
  OUTBOX_RELAY_INTERVAL_MS: '100',
  DELIVERY_BACKOFF_MS: '100',
  ALERT_EVALUATION_INTERVAL_MS: '1000',
  BULK_REJECTIONS_PER_SECOND: '20000',
};

export async function startAffiliatePipeline(tag: string, env: Record<string, string> = {}): Promise<AffiliatePipeline> {
  const t = await createTestEnvironment(tag, { ...PIPELINE_SETTINGS, ...env });
  let admin: AdminHandle | undefined;
  let bulk: BulkRejections | undefined;
  let api: Awaited<ReturnType<typeof serveAdminApi>> | undefined;
  let receiver: RunningReceiver | undefined;
  let worker: WorkerProcess | undefined;
  const close = async () => {
    await receiver?.stop();
    await worker?.close();
    await bulk?.runner.close();
    await api?.close();
    await admin?.close();
    await t.teardown();
  };
  try {
    admin = connectAdminDeps(t.cfg);
    bulk = createBulkRejections(admin, { pollMs: 100 });
    bulk.runner.start();
    api = await serveAdminApi(admin, PIPELINE_ADMIN_TOKEN, { bulk });
    receiver = await startReceiver(t.cfg);
    worker = startInProcessWorker(t.cfg);
  } catch (err) {
    await close();
    throw err;
  }
  const adminUrl = api.baseUrl;
  return { t, call: adminCaller(() => adminUrl, PIPELINE_ADMIN_TOKEN), adminUrl, receiverUrl: receiver.baseUrl, close };
}

/** The answer's body when it has the expected status; else an error saying what came instead. */
export function answered(answer: AdminAnswer, status = 201): AdminAnswer['body'] {
  if (answer.status !== status) throw new Error(`expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

let counter = 0;
export const unique = (what: string) => `${what}-${process.pid}-${++counter}`;

/** An advertiser, an offer of it and an offer-level rejection URL, created through the admin API. */
export async function givenOfferWithRejectionUrl(p: AffiliatePipeline): Promise<{ advertiserId: number; offerId: number; key: string }> {
  const advertiserId = Number(answered(await p.call('POST', '/admin/advertisers', { name: unique('advertiser') })).id);
  const offerId = Number(answered(await p.call('POST', '/admin/offers', { advertiser_id: advertiserId, name: unique('offer') })).id);
  const key = String(answered(await p.call('POST', '/admin/rejection-endpoints', { offer_id: offerId })).key);
  return { advertiserId, offerId, key };
}

export async function givenPublisher(p: AffiliatePipeline): Promise<number> {
  return Number(answered(await p.call('POST', '/admin/publishers', { name: unique('publisher') })).id);
}

export interface ImportedConversion {
  transaction_id: string;
  offer_id: number;
  status: 'approved' | 'pending' | 'rejected';
  rejected_reason?: string;
  payout?: number;
  publisher_id?: number;
  sub_id?: string;
}

/** Conversions loaded by the admin import, as the platform would load them. */
export async function importConversions(p: AffiliatePipeline, conversions: ImportedConversion[]): Promise<void> {
  const body = answered(await p.call('POST', '/admin/conversions', { conversions }));
  if (body.imported !== conversions.length) throw new Error(`imported ${String(body.imported)} of ${conversions.length}`);
}

/** An affiliate postback created through the admin API: its 201 (with `secret` when signing). */
export async function createAffiliatePostback(p: AffiliatePipeline, input: Record<string, unknown>): Promise<AdminAnswer['body'] & { id: number }> {
  return answered(await p.call('POST', '/admin/affiliate-postbacks', input)) as AdminAnswer['body'] & { id: number };
}

/** Sends a rejection through the receiver (a 202 expected) and waits until the worker has applied it: its outcome. */
export async function rejectThrough(p: AffiliatePipeline, key: string, transactionId: string, reason: string): Promise<Outcome> {
  const postbackId = await sendRejection(p, key, transactionId, reason);
  return outcomeOf(p, postbackId);
}

/** Sends a rejection through the receiver, a 202 expected: its postback id. */
export async function sendRejection(p: AffiliatePipeline, key: string, transactionId: string, reason: string): Promise<string> {
  const res = await sendPostback(p.receiverUrl, { key, transaction_id: transactionId, new_rejected_reason: reason });
  if (res.status !== 202) throw new Error(`the receiver answered ${res.status}: ${JSON.stringify(res.body)}`);
  return String(res.body.postback_id);
}

/** The outcome of a postback once the worker has applied it, as the admin API shows it. */
export async function outcomeOf(p: AffiliatePipeline, postbackId: string): Promise<Outcome> {
  return eventually(async () => {
    const shown = await p.call('GET', `/admin/postbacks/${postbackId}`);
    // A postback still in the queue shows as 'queued', with no processed_at.
    return shown.status === 200 && shown.body.processed_at ? (shown.body.outcome as Outcome) : undefined;
  }, 20_000, `postback ${postbackId} to be applied`);
}
