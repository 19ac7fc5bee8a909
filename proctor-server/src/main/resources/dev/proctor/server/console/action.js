// An action's page: GET /v1/actions/<id> — its receipts in order, the full canonical parameters,
// the decision with its rules and why, and the policy it was decided under. Auditors get each
// receipt's proof to download (the file `proctor audit verify` checks offline).

import { actionPath, api, proofPath } from './api.js';
import { el, facts, jsonBlock, route, stateBadge } from './dom.js';

export function render(main, parts, ctx) {
  const id = parts.join('/');
  const heading = el('h1', {}, 'Action');
  const body = el('div', { class: 'action', id: 'action' }, el('p', {}, 'Loading…'));
  main.append(heading, el('p', { class: 'mono wrap', id: 'action-id' }, id), body);
  let live = true;
  load(id, body, ctx).catch((e) => {
    if (live) {
      body.replaceChildren(el('p', { class: 'error', role: 'alert' }, ctx.failed(e) || 'Cannot load the action.'));
    }
  });
  return () => {
    live = false;
  };
}

async function load(id, body, ctx) {
  const answer = await api.get(actionPath(id));
  let rules = new Map();
  if (ctx.has('operator') || ctx.has('policy-admin') || ctx.has('auditor')) {
    try {
      const p = await api.get('/v1/policy');
      rules = new Map(p.rules.map((r) => [r.id, r]));
    } catch (e) {
      // The rules' own text is extra; the receipts say which rules decided.
    }
  }
  const receipts = answer.receipts || [];
  const first = receipts.length ? receipts[0].receipt : {};
  const a = first.action || {};
  const r = a.requester || {};
  const decided = receipts.map((x) => x.receipt).find((x) => x && x.decision);
  const out = [];
  out.push(
    el('h2', {}, 'Summary'),
    facts([
      ['State', stateBadge(answer.state)],
      ['Tool', a.tool],
      ['Operation', a.operation],
      ['Class', a.class],
      ['Surface', a.surface],
      ['Agent', r.agent],
      ['Human sponsor', r.human],
      ['Session', r.session],
      ['Tenant', r.tenant],
      ['Groups', (r.groups || []).join(', ')],
      ['Delegation chain', (r.delegationChain || []).join(' → ')],
      ['Requested', a.time],
      ['Action digest', a.digest],
    ]),
  );
  if (decided) {
    const d = decided.decision;
    const ruleList = el('ul', { class: 'rules', id: 'action-rules' });
    for (const ruleId of d.ruleIds || []) {
      const rule = rules.get(ruleId);
      ruleList.append(
        el(
          'li',
          {},
          el('a', { href: route('policy', ruleId), class: 'mono' }, ruleId),
          rule ? el('span', {}, ' — ', rule.effect, ': ', rule.reason) : null,
        ),
      );
    }
    out.push(
      el('h2', {}, 'Decision'),
      facts([
        ['Result', stateBadge(d.result)],
        ['Why', d.reason],
        ['Policy', d.policy ? d.policy.id + ' version ' + d.policy.version : ''],
        ['Policy digest', d.policy ? el('span', { class: 'mono wrap' }, d.policy.digest) : ''],
      ]),
      el('h3', {}, 'Matched rules'),
      (d.ruleIds || []).length ? ruleList : el('p', {}, 'No rule matched: the class default decided.'),
    );
  }
  out.push(el('h2', {}, 'Parameters (canonical, as recorded)'), jsonBlock(a.parameters ?? null, 'Parameters'));
  if ((a.redacted || []).length) {
    out.push(el('p', {}, 'Redacted in the record: ' + a.redacted.join(', ')));
  }
  const list = el('ol', { class: 'receipts', id: 'action-receipts' });
  for (const x of receipts) {
    const rc = x.receipt || {};
    list.append(
      el(
        'li',
        { class: 'receipt', 'data-receipt': x.id },
        el('div', { class: 'entry-head' }, stateBadge(x.state), el('time', { datetime: rc.time }, rc.time), el('span', {}, 'seq ' + x.seq)),
        facts([
          ['Receipt', el('span', { class: 'mono wrap' }, x.id)],
          ['Hash', el('span', { class: 'mono wrap' }, x.hash)],
          ['Outcome', rc.outcome ? JSON.stringify(rc.outcome) : ''],
        ]),
        ctx.has('auditor')
          ? el('p', {}, el('a', { href: proofPath(x.id, true), download: 'proof-' + x.id + '.json', class: 'proof-link' }, 'Download proof'),
              ' · ', el('a', { href: route('audit', 'receipt', x.id) }, 'Check in the audit view'))
          : null,
        el('details', {}, el('summary', {}, 'Receipt JSON'), jsonBlock(rc, 'Receipt JSON')),
      ),
    );
  }
  out.push(el('h2', {}, 'Receipts'), list);
  body.replaceChildren(...out);
}
