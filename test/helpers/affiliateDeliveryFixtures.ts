import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createLogger,
  DELIVERY_JOB_NAME,
  deliveryJobOptions,
  type Config,
  type DeliveryDeadLetterPair,
  type PrismaClient,
} from '@postback/core';
import { givenOffer } from './fixtures.js';

let counter = 0;

/** A request an affiliate server received, with when it arrived. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

export interface AffiliateServer {
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  host: string;
  received: ReceivedRequest[];
  /** Requests being answered now, and the most there ever were at once. */
  inFlight: () => number;
  maxInFlight: () => number;
  close: () => Promise<void>;
}

/**
 * An affiliate's server on loopback: answers each request with `answer` (which may hold it, or never end it), after
 * the whole body has arrived. A request counts as in flight from its arrival until the server starts answering or
 * the client goes away.
 */
export async function startAffiliateServer(
  answer: (req: ReceivedRequest, res: ServerResponse, index: number) => void | Promise<void> = (_req, res) => void res.end('ok'),
): Promise<AffiliateServer> {
  const received: ReceivedRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer((req, res) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let done = false;
    const finish = () => {
      if (!done) inFlight -= 1;
      done = true;
    };
    // The response's close, not the request's (which comes as soon as its body was read): the client went away.
    res.on('close', finish);
    const writeHead = res.writeHead.bind(res);
    res.writeHead = ((...args: Parameters<typeof res.writeHead>) => {
      finish();
      return writeHead(...args);
    }) as typeof res.writeHead;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      received.push(request);
      void answer(request, res, received.length - 1);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    received,
    inFlight: () => inFlight,
    maxInFlight: () => maxInFlight,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export async function givenPublisher(prisma: PrismaClient): Promise<number> {
  const [row] = await prisma.$queryRaw<Array<{ id: number }>>`
    INSERT INTO publishers (name) VALUES (${`publisher-${process.pid}-${++counter}`}) RETURNING id`;
  return row!.id;
}

export interface GivenPostback {
  url: string;
  method?: 'GET' | 'POST' | 'PUT';
  headers?: Record<string, string>;
  body?: string | null;
  secret?: string | null;
  publisherId?: number;
  offerId?: number | null;
}

/** An affiliate postback as the admin API stores it. */
export async function givenAffiliatePostback(prisma: PrismaClient, p: GivenPostback): Promise<{ id: number; publisherId: number }> {
  const publisherId = p.publisherId ?? (await givenPublisher(prisma));
  const [row] = await prisma.$queryRaw<Array<{ id: number }>>`
    INSERT INTO affiliate_postbacks (publisher_id, offer_id, url, method, headers, body, events, delay_seconds, secret)
    VALUES (${publisherId}, ${p.offerId ?? null}::int, ${p.url}, ${p.method ?? 'GET'}, ${JSON.stringify(p.headers ?? {})}::jsonb,
            ${p.body ?? null}::text, ARRAY['rejected', 'reason_updated'], 0, ${p.secret ?? null}::text)
    RETURNING id`;
  return { id: row!.id, publisherId };
}

export interface GivenRejection {
  publisherId: number;
  offerId?: number;
  transactionId?: string;
  rejectedReason?: string | null;
  payout?: string | null;
  subId?: string | null;
}

/** A rejected conversion of the publisher's. */
export async function givenRejectedConversion(prisma: PrismaClient, c: GivenRejection) {
  const offerId = c.offerId ?? (await givenOffer(prisma)).id;
  const transactionId = c.transactionId ?? `tx-${process.pid}-${++counter}`;
  const [row] = await prisma.$queryRaw<Array<{ id: bigint; updatedAt: Date }>>`
    INSERT INTO conversions (transaction_id, offer_id, status, rejected_reason, payout, publisher_id, sub_id, updated_at)
    VALUES (${transactionId}, ${offerId}, 'rejected', ${c.rejectedReason ?? 'fraud'}::varchar, ${c.payout ?? null}::numeric,
            ${c.publisherId}, ${c.subId ?? null}::varchar, now())
    RETURNING id, updated_at AS "updatedAt"`;
  return { id: row!.id, transactionId, offerId, updatedAt: row!.updatedAt };
}

/** A waiting notification of an affiliate postback for a conversion, as the applier writes it (due now). */
export async function givenNotification(
  prisma: PrismaClient,
  n: { postbackId: number; conversionId: bigint; transactionId: string; previousStatus?: string; previousReason?: string | null },
): Promise<string> {
  const [row] = await prisma.$queryRaw<Array<{ id: string }>>`
    INSERT INTO notifications (id, affiliate_postback_id, conversion_id, transaction_id, event, previous_status, previous_reason,
                               first_changed_at, due_at)
    VALUES (gen_random_uuid(), ${n.postbackId}, ${n.conversionId}, ${n.transactionId}, 'rejected',
            ${n.previousStatus ?? 'approved'}::conversion_status, ${n.previousReason ?? null}::varchar, now(), now())
    RETURNING id::text`;
  return row!.id;
}

/** An affiliate postback, a rejected conversion of its publisher's and a waiting notification of it, in one go. */
export async function givenNotificationTo(prisma: PrismaClient, p: GivenPostback): Promise<{ notificationId: string; postbackId: number; transactionId: string }> {
  const postback = await givenAffiliatePostback(prisma, p);
  const conversion = await givenRejectedConversion(prisma, { publisherId: postback.publisherId });
  const notificationId = await givenNotification(prisma, { postbackId: postback.id, conversionId: conversion.id, transactionId: conversion.transactionId });
  return { notificationId, postbackId: postback.id, transactionId: conversion.transactionId };
}

/** Hands a notification to the delivery queue as the relay does. */
export async function handToDelivery(cfg: Config, pair: DeliveryDeadLetterPair, notificationId: string): Promise<void> {
  await pair.source.add(DELIVERY_JOB_NAME, { v: 1, notificationId }, deliveryJobOptions(cfg, notificationId));
}

export interface NotificationState {
  state: string;
  attempts: number;
  last_error: string | null;
  request: { method: string; url: string; headers: Record<string, string>; body: string | null } | null;
}

export async function notificationOf(prisma: PrismaClient, id: string): Promise<NotificationState> {
  const [row] = await prisma.$queryRaw<NotificationState[]>`
    SELECT state::text, attempts, last_error, request FROM notifications WHERE id = ${id}::uuid`;
  return row!;
}

export interface AttemptRow {
  attempt: number;
  attempted_at: Date;
  url: string;
  status_code: number | null;
  latency_ms: number | null;
  response_head: string | null;
  error: string | null;
  result: string;
  affiliate_postback_id: number | null;
  alert_rule_id: number | null;
  transaction_id: string | null;
}

export async function attemptsOf(prisma: PrismaClient, notificationId: string): Promise<AttemptRow[]> {
  return prisma.$queryRaw<AttemptRow[]>`
    SELECT attempt, attempted_at, url, status_code, latency_ms, response_head, error, result::text,
           affiliate_postback_id, alert_rule_id, transaction_id
    FROM delivery_attempts WHERE notification_id = ${notificationId}::uuid ORDER BY id`;
}

export const silentLogger = () => createLogger('test', 'silent');
