import { pipeline } from 'node:stream/promises';
import type express from 'express';
import type { Logger } from '@postback/core';
import type { AdminDeps } from './wiring/adminDeps.js';
import { openPostbackLogCsv } from './services/postbackLogCsv.js';

/**
 * GET /admin/postbacks.csv: every row of the postback log the search's filters match, streamed. A bad filter or a
 * database that does not answer is the usual JSON error, since nothing has been sent before the header row arrives
 * from Postgres. A failure after that cannot change the status any more: the response is cut (the connection
 * closed without the chunked encoding's last chunk), which every HTTP client reports as an incomplete transfer
 * (curl: exit 18), so a partial file is never taken for a whole one.
 */
/**
 * How long an export waits for a client that stopped reading (a download paused in the browser) before it gives
 * up: meanwhile its query holds a connection and a snapshot, and a snapshot held open holds back VACUUM on every
 * table of the database it runs on.
 */
export const CSV_STALL_MS = 60_000;

class ClientStoppedReading extends Error {
  override name = 'ClientStoppedReading';
}

export function registerPostbackLogCsv(app: express.Express, deps: AdminDeps, logger: Logger, stallMs = CSV_STALL_MS): void {
  app.get('/admin/postbacks.csv', async (req, res) => {
    const csv = await openPostbackLogCsv(deps.reads, req.query);
    // The socket's idle timer: reset by every write that reaches the client, so only a stalled download trips it.
    res.setTimeout(stallMs, () => res.destroy(new ClientStoppedReading(`no progress for ${stallMs} ms`)));
    res
      .status(200)
      .type('text/csv; charset=utf-8')
      .set('Content-Disposition', `attachment; filename="${csv.filename}"`)
      .set('Cache-Control', 'no-store');
    try {
      await pipeline(csv.body, res);
    } catch (err) {
      // pipeline has destroyed both ends by now: the query is over and the response cut.
      if ((err as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE') {
        logger.info({ filename: csv.filename }, 'postback log export: the client went away');
      } else if (err instanceof ClientStoppedReading) {
        logger.info({ filename: csv.filename, stall_ms: stallMs }, 'postback log export: the client stopped reading, response cut');
      } else {
        logger.warn({ err, filename: csv.filename }, 'postback log export failed part-way: response cut');
      }
    }
  });
}
