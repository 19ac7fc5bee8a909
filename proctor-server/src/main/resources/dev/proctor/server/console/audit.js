// The audit view: the log's verification (POST /v1/audit/verify), signed checkpoints with witness
// co-signatures, receipts page by page with whether a signed checkpoint covers them, and one
// receipt with its inclusion proof checked here and downloadable for `proctor audit verify`.

import { api, proofPath } from './api.js';
import { el, facts, jsonBlock, route, stateBadge, summary } from './dom.js';
import { checkInclusion } from './proof.js';

const PAGE = 50;

export function render(main, parts, ctx) {
  if (parts[0] === 'receipt' && parts[1]) {
    return receiptPage(main, parts[1], ctx);
  }
  const from = parts[0] === 'from' && /^\d+$/.test(parts[1] || '') ? Number(parts[1]) : null;
  main.append(el('h1', {}, 'Audit'));

  const verifyResult = el('p', { id: 'verify-result', role: 'status' });
  const verifyButton = el('button', { type: 'button', id: 'verify-log' }, 'Verify the whole log');
  verifyButton.addEventListener('click', async () => {
    verifyButton.disabled = true;
    verifyResult.textContent = 'Verifying…';
    try {
      const r = await api.post('/v1/audit/verify');
      verifyResult.replaceChildren(stateBadge(r.intact ? 'succeeded' : 'failed'), ' ', r.summary);
      verifyResult.dataset.intact = String(r.intact);
    } catch (e) {
      verifyResult.textContent = ctx.failed(e) || 'Cannot verify.';
    } finally {
      verifyButton.disabled = false;
    }
  });
  main.append(
    el('section', { 'aria-labelledby': 'h-verify' },
      el('h2', { id: 'h-verify' }, 'Verification'),
      el('p', {}, 'Checks every receipt\'s hash chain, the Merkle tree and every checkpoint signature with the log\'s public keys.'),
      verifyButton, verifyResult),
  );

  const checkpoints = el('section', { 'aria-labelledby': 'h-cps' }, el('h2', { id: 'h-cps' }, 'Checkpoints'), el('p', {}, 'Loading…'));
  const receipts = el('section', { 'aria-labelledby': 'h-rcpts' }, el('h2', { id: 'h-rcpts' }, 'Receipts'), el('p', {}, 'Loading…'));
  main.append(checkpoints, receipts);

  let live = true;
  (async () => {
    const cps = await api.get('/v1/audit/checkpoints');
    const list = cps.checkpoints || [];
    const signed = list.length ? list[list.length - 1].size : 0;
    if (live) {
      checkpoints.replaceChildren(checkpoints.firstChild, checkpointList(list, cps.cosignatures || []));
    }
    let start = from;
    if (start === null) {
      const head = await api.get('/v1/audit/receipts?from=0&limit=1');
      start = Math.max(0, head.size - PAGE);
    }
    const page = await api.get('/v1/audit/receipts?from=' + start + '&limit=' + PAGE);
    if (live) {
      receipts.replaceChildren(receipts.firstChild, receiptList(page, signed, start));
    }
  })().catch((e) => {
    if (live) {
      receipts.replaceChildren(receipts.firstChild, el('p', { class: 'error', role: 'alert' }, ctx.failed(e) || 'Cannot load.'));
    }
  });
  return () => {
    live = false;
  };
}

function checkpointList(list, cosignatures) {
  if (!list.length) {
    return el('p', {}, 'No checkpoint is signed yet.');
  }
  const bySize = new Map();
  for (const c of cosignatures) {
    if (!bySize.has(c.size)) {
      bySize.set(c.size, []);
    }
    bySize.get(c.size).push(c);
  }
  const ol = el('ol', { class: 'checkpoints', id: 'checkpoints', reversed: true });
  for (const c of list.slice(-20).reverse()) {
    const witnesses = bySize.get(c.size) || [];
    ol.append(
      el('li', { class: 'checkpoint', 'data-size': c.size },
        facts([
          ['Size', String(c.size)],
          ['Time', c.time],
          ['Root', el('span', { class: 'mono wrap' }, c.root)],
          ['Signed by key', el('span', { class: 'mono wrap' }, c.keyId)],
          ['Witnesses', witnesses.length ? witnesses.map((w) => w.witnessKeyId + ' at ' + w.time).join('; ') : 'none co-signed this one'],
        ])),
    );
  }
  return ol;
}

function receiptList(page, signedSize, from) {
  const ol = el('ol', { class: 'receipts', id: 'audit-receipts' });
  for (const x of (page.receipts || []).slice().reverse()) {
    const rc = x.receipt || {};
    const a = rc.action || {};
    ol.append(
      el('li', { class: 'receipt', 'data-receipt': x.id, 'data-seq': x.seq },
        el('div', { class: 'entry-head' }, stateBadge(x.state), el('span', {}, 'seq ' + x.seq), el('time', { datetime: rc.time }, rc.time),
          el('span', { class: x.seq < signedSize ? 'signed' : 'pending' }, x.seq < signedSize ? 'in a signed checkpoint' : 'not yet in a signed checkpoint')),
        el('p', { class: 'what' }, el('a', { href: route('action', a.id || '') }, a.tool || '(no tool)'), ' ', el('code', { class: 'params' }, summary(a.parameters, 100))),
        el('p', {}, el('a', { href: route('audit', 'receipt', x.id), class: 'check-link' }, 'Proof and check'), ' · ',
          el('a', { href: proofPath(x.id, true), download: 'proof-' + x.id + '.json', class: 'proof-link' }, 'Download proof')),
      ),
    );
  }
  const nav = el('p', { class: 'pager' });
  if (from > 0) {
    nav.append(el('a', { href: route('audit', 'from', String(Math.max(0, from - PAGE))) }, 'Older'), ' ');
  }
  if (from + PAGE < page.size) {
    nav.append(el('a', { href: route('audit', 'from', String(from + PAGE)) }, 'Newer'));
  }
  return el('div', {}, el('p', {}, page.size + ' receipts in the log; ' + signedSize + ' covered by the latest signed checkpoint.'), ol, nav);
}

function receiptPage(main, id, ctx) {
  main.append(el('h1', {}, 'Receipt'), el('p', { class: 'mono wrap' }, id));
  const body = el('div', { id: 'receipt' }, el('p', {}, 'Loading…'));
  main.append(body);
  let live = true;
  (async () => {
    const x = await api.get('/v1/audit/receipts/' + encodeURIComponent(id));
    const response = await fetch(proofPath(id, false), { credentials: 'same-origin', cache: 'no-store' });
    const proofText = await response.text();
    if (!response.ok) {
      throw new Error('no proof: ' + summary(proofText, 200));
    }
    const check = await checkInclusion(proofText);
    if (!live) {
      return;
    }
    const a = (x.receipt || {}).action || {};
    body.replaceChildren(
      facts([
        ['State', stateBadge(x.state)],
        ['Sequence', String(x.seq)],
        ['Action', el('a', { href: route('action', a.id || '') }, a.id || '')],
        ['Receipt hash', el('span', { class: 'mono wrap' }, x.hash)],
      ]),
      el('h2', {}, 'Inclusion proof'),
      el('p', { id: 'inclusion', 'data-ok': String(check.ok) }, stateBadge(check.ok ? 'succeeded' : 'failed'), ' ', check.why,
        check.ok ? ' (leaf ' + check.leafIndex + ' of ' + check.treeSize + ', checked in this browser).' : '.'),
      facts([
        ['Checkpoint root', el('span', { class: 'mono wrap' }, check.root)],
        ['Root from the path', el('span', { class: 'mono wrap' }, check.computed)],
        ['Checkpoint time', check.checkpoint ? check.checkpoint.time : ''],
        ['Signed by key', check.checkpoint ? el('span', { class: 'mono wrap' }, check.checkpoint.keyId) : ''],
      ]),
      el('p', {}, el('a', { href: proofPath(id, true), download: 'proof-' + id + '.json', class: 'proof-link', id: 'proof-download' }, 'Download the proof'),
        ' — verify it offline, signature included: ', el('code', {}, 'proctor audit verify proof-' + id + '.json --key <the log\'s public key>')),
      el('details', {}, el('summary', {}, 'Receipt JSON'), jsonBlock(x.receipt, 'Receipt JSON')),
    );
  })().catch((e) => {
    if (live) {
      body.replaceChildren(el('p', { class: 'error', role: 'alert' }, ctx.failed(e) || 'Cannot load the receipt.'));
    }
  });
  return () => {
    live = false;
  };
}
