import http from 'node:http';
import type { PlannedPostback } from './world.js';

/** What became of one request: an HTTP answer, or a connection-level error (never both). */
export interface Answer {
  /** Index of the request in the plan. */
  index: number;
  /** Which of the targets it went to. */
  target: number;
  status?: number;
  postbackId?: string;
  retryAfter?: string;
  /** Connection-level failure (ECONNREFUSED, ECONNRESET, timeout…): the request got no HTTP answer. */
  error?: string;
  startedAt: number;
  endedAt: number;
}

export interface BurstOptions {
  /** Base URLs of the receivers; request i goes to targets[i % targets.length]. */
  targets: string[];
  /** Requests in flight at once. */
  concurrency: number;
  /** Pace: request i is not sent before start + i / perSecond seconds, so the burst lasts long enough to meet the fault. */
  perSecond: number;
  timeoutMs?: number;
}

export interface Burst {
  answers: Answer[];
  /** Requests answered (or failed) so far. */
  finished: () => number;
  done: Promise<Answer[]>;
}

/**
 * The advertisers' side of a scenario: sends every planned postback as a GET over keep-alive connections, the way
 * a tracker's server does, and records each answer. No retries: a refused or failed request stays so.
 */
export function startBurst(plan: readonly PlannedPostback[], opts: BurstOptions): Burst {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  // Node's agent honours the server's `Keep-Alive: timeout=5` hint (closing an idle socket a second early) only
  // when the agent has a timeout of its own; without one it reuses a socket the receiver is closing that very
  // moment, and the request fails ECONNRESET though the receiver did nothing wrong (seen once in CI, scenario 7,
  // after the failover's stall left deep sockets of the pool idle for 5 s).
  const agents = opts.targets.map(() => new http.Agent({ keepAlive: true, maxSockets: opts.concurrency, timeout: timeoutMs }));
  const answers: Answer[] = new Array(plan.length);
  let next = 0;
  let finished = 0;
  const start = Date.now();

  const loop = async () => {
    for (let index = next++; index < plan.length; index = next++) {
      const wait = start + (index * 1000) / opts.perSecond - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const target = index % opts.targets.length;
      answers[index] = await send(opts.targets[target]!, agents[target]!, plan[index]!, timeoutMs, index, target);
      finished += 1;
    }
  };
  const done = Promise.all(Array.from({ length: opts.concurrency }, loop)).then(() => {
    for (const agent of agents) agent.destroy();
    return answers;
  });
  return { answers, finished: () => finished, done };
}

function send(baseUrl: string, agent: http.Agent, p: PlannedPostback, timeoutMs: number, index: number, target: number): Promise<Answer> {
  const query = new URLSearchParams({ key: p.key, new_rejected_reason: p.reason, transaction_id: p.transactionId });
  const startedAt = Date.now();
  return new Promise((resolve) => {
    const req = http.get(`${baseUrl}/v1/rejections?${query}`, { agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err: NodeJS.ErrnoException) => resolve({ index, target, error: err.code ?? err.message, startedAt, endedAt: Date.now() }));
      res.on('end', () => {
        const answer: Answer = { index, target, status: res.statusCode, startedAt, endedAt: Date.now() };
        const retryAfter = res.headers['retry-after'];
        if (retryAfter !== undefined) answer.retryAfter = retryAfter;
        if (res.statusCode === 202) answer.postbackId = (JSON.parse(Buffer.concat(chunks).toString()) as { postback_id: string }).postback_id;
        resolve(answer);
      });
    });
    // Set on the request, not as the `timeout` option: Node leaves a reused socket's timeout alone when the option
    // equals the agent's, and the socket would keep the 4 s its idle spell in the pool gave it.
    req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ index, target, error: err.code ?? err.message, startedAt, endedAt: Date.now() }));
  });
}

/** Resolves once `count` requests of the burst have finished. */
export async function whenFinished(burst: Burst, count: number): Promise<void> {
  while (burst.finished() < count) await new Promise((r) => setTimeout(r, 20));
}
