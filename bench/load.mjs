// The load generator: autocannon in this process, the same settings for the Express floor and the receiver.
import autocannon from 'autocannon';
import { REASONS } from './seed.mjs';

/**
 * Sends postback GETs at full speed for `seconds`, or until `amount` requests are answered, over `connections`
 * connections; `next()` gives each request's key and transaction id. Returns autocannon's result plus the postback
 * ids that were acknowledged with 202.
 */
export async function burst({ url, connections, seconds, amount, next }) {
  const acknowledged = [];
  const pick = (list) => list[Math.floor(Math.random() * list.length)];
  const result = await autocannon({
    url,
    connections,
    ...(amount ? { amount } : { duration: seconds }),
    requests: [
      {
        method: 'GET',
        setupRequest: (req) => {
          const { key, transactionId } = next();
          return { ...req, path: `/v1/rejections?key=${key}&new_rejected_reason=${pick(REASONS)}&transaction_id=${transactionId}` };
        },
        // Parsed for every answer, floor or receiver, so the load generator does the same work for both.
        onResponse: (status, body) => {
          const answer = JSON.parse(body);
          if (status === 202) acknowledged.push(answer.postback_id);
        },
      },
    ],
  });
  return { result, acknowledged };
}

export function summarize(result) {
  return {
    rps: Math.round(result.requests.average),
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}
