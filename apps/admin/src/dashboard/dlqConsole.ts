import type express from 'express';

const PAGE_SECURITY =
  "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Dead-letter console · Postback Pipeline</title>
<style>
body{font-family:system-ui,sans-serif;margin:1.5rem}table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
td,th{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;font-size:.9rem;vertical-align:top}
fieldset{margin-bottom:1rem}label{margin-right:1rem}#status{font-weight:bold;min-height:1.5em}.reason{max-width:30rem;overflow-wrap:anywhere}
</style></head>
<body>
<nav><a href="/admin/queues">Queues dashboard</a> · <a href="/admin/logout">Log out</a></nav>
<h1>Dead-letter console</h1>
<p id="status" role="status"></p>
<form id="filter"><fieldset><legend>Replay or purge by filter</legend>
<label>Error kind <input name="error_kind" placeholder="23514, P0001, unreadable"></label>
<label>Dead-lettered from <input name="from" type="datetime-local"></label>
<label>to <input name="to" type="datetime-local"></label>
<label>Advertiser <input name="advertiser_id" type="number" min="1"></label>
<label>Offer <input name="offer_id" type="number" min="1"></label>
<label>Rate per second <input name="rate_per_second" type="number" min="1" placeholder="default"></label>
<p><button type="button" id="estimate">Estimate</button> <button type="button" id="replay-matching">Replay matching</button>
<button type="button" id="purge-matching">Purge matching…</button></p>
</fieldset></form>
<h2>Dead-lettered jobs <small id="total"></small></h2>
<table><thead><tr><th>Id</th><th>Shard</th><th>Kind</th><th>Dead-lettered at</th><th>Transaction</th><th>Endpoint</th><th>Reason</th><th></th></tr></thead>
<tbody id="dead-letters"></tbody></table>
<h2>Replays</h2>
<table><thead><tr><th>Started</th><th>Operator</th><th>Status</th><th>Matched</th><th>Replayed</th><th>Filter</th><th></th></tr></thead>
<tbody id="replays"></tbody></table>
<script src="/admin/dlq/console.js"></script>
</body></html>`;

// Plain browser script, no build step: every value from the API goes in through textContent, never as HTML.
const SCRIPT = `'use strict';
const $ = (s) => document.querySelector(s);
const say = (text) => { $('#status').textContent = text; };
async function api(method, path, body) {
  const res = await fetch(path, { method, credentials: 'same-origin',
    headers: body ? { 'content-type': 'application/json', accept: 'application/json' } : { accept: 'application/json' },
    body: body ? JSON.stringify(body) : undefined });
  const data = await res.json().catch(() => ({}));
  return { status: res.status, ok: res.ok, data };
}
function row(cells) {
  const tr = document.createElement('tr');
  for (const c of cells) { const td = document.createElement('td'); if (c instanceof Node) td.append(c); else td.textContent = c ?? ''; tr.append(td); }
  return tr;
}
function button(text, testId, onClick) {
  const b = document.createElement('button'); b.type = 'button'; b.textContent = text; b.dataset.testid = testId; b.addEventListener('click', onClick); return b;
}
function filterFromForm() {
  const f = new FormData($('#filter')); const filter = {};
  const kind = String(f.get('error_kind') || '').trim();
  if (kind) filter.error_kind = kind.split(/[ ,]+/).filter(Boolean);
  for (const k of ['from', 'to']) { const v = f.get(k); if (v) filter[k] = new Date(String(v)).toISOString(); }
  for (const k of ['advertiser_id', 'offer_id']) { const v = f.get(k); if (v) filter[k] = Number(v); }
  const rate = f.get('rate_per_second');
  return { filter, rate: rate ? Number(rate) : undefined };
}
async function follow(replay) {
  for (;;) {
    say('Replay ' + replay.id + ': ' + replay.status + ', ' + replay.replayed + ' of ' + (replay.matched ?? '?') + ' replayed');
    if (replay.status !== 'running') break;
    await new Promise((r) => setTimeout(r, 500));
    replay = (await api('GET', '/admin/dlq/replays/' + replay.id)).data;
  }
  await refresh();
}
async function startReplay(filter, rate) {
  const { ok, data } = await api('POST', '/admin/dlq/replays', { filter, rate_per_second: rate });
  if (!ok) return say('Replay refused: ' + data.error);
  await follow(data);
}
async function loadDeadLetters() {
  const { data } = await api('GET', '/admin/dlq?limit=200');
  $('#total').textContent = '(' + (data.total ?? 0) + ')';
  const body = $('#dead-letters'); body.replaceChildren();
  for (const j of data.jobs ?? []) {
    const reason = document.createElement('span'); reason.className = 'reason'; reason.textContent = j.error;
    body.append(row([j.id, j.shard, j.error_kind, j.dead_lettered_at, j.transaction_id, j.endpoint_id == null ? '' : String(j.endpoint_id), reason,
      button('Replay', 'replay-' + j.id, () => startReplay({ ids: [j.id] }))]));
  }
}
async function loadReplays() {
  const { data } = await api('GET', '/admin/dlq/replays?limit=20');
  const body = $('#replays'); body.replaceChildren();
  for (const r of data.replays ?? []) {
    const cancel = r.status === 'running' ? button('Cancel', 'cancel-' + r.id, async () => { await api('POST', '/admin/dlq/replays/' + r.id + '/cancel'); await refresh(); }) : '';
    body.append(row([r.created_at, r.operator, r.status, r.matched == null ? '' : String(r.matched), String(r.replayed), JSON.stringify(r.filter), cancel]));
  }
}
async function refresh() { await Promise.all([loadDeadLetters(), loadReplays()]); }
$('#estimate').addEventListener('click', async () => {
  const { filter } = filterFromForm();
  const { ok, data } = await api('POST', '/admin/dlq/replays', { filter, dry_run: true });
  say(ok ? data.matched + ' dead-lettered jobs match' : 'Estimate refused: ' + data.error);
});
$('#replay-matching').addEventListener('click', () => { const { filter, rate } = filterFromForm(); void startReplay(filter, rate); });
$('#purge-matching').addEventListener('click', async () => {
  const { filter } = filterFromForm();
  const first = await api('POST', '/admin/dlq/purge', { filter });
  if (first.data.would_purge === undefined) return say('Purge refused: ' + first.data.error);
  if (!confirm('Drop ' + first.data.would_purge + ' dead-lettered jobs for good?')) return;
  const done = await api('POST', '/admin/dlq/purge', { filter, confirm: true });
  say(done.ok ? 'Purged ' + done.data.purged : 'Purge failed: ' + done.data.error);
  await refresh();
});
void refresh();
`;

/**
 * A small page of our own for what bull-board cannot do: replay dead-lettered jobs onto the main queue (one, or
 * all a filter matches), purge, and the replay history. It only calls the admin API, with the session cookie.
 */
export function registerDlqConsole(app: express.Express): void {
  app.get('/admin/dlq/console', (_req, res) => {
    res.set('Content-Security-Policy', PAGE_SECURITY).type('html').send(PAGE);
  });
  app.get('/admin/dlq/console.js', (_req, res) => {
    res.type('text/javascript').send(SCRIPT);
  });
}
