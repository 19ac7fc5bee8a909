// The live feed: GET /v1/events (Server-Sent Events), every receipt once durable, filtered by
// agent, session, class and state (the decision's effect: allowed, denied, …). Newest first; the
// list keeps the latest MAX entries.

import { route, el, stateBadge, summary } from './dom.js';

const MAX = 500;
const FILTERS = [
  ['agent', 'Agent'],
  ['session', 'Session'],
  ['class', 'Class'],
  ['state', 'State / effect'],
];

export function render(main, parts, ctx) {
  const params = new URLSearchParams(parts[0] || '');
  const inputs = {};
  const form = el('form', { class: 'filters', role: 'search', 'aria-label': 'Filter the feed' });
  for (const [name, label] of FILTERS) {
    const id = 'feed-' + name;
    inputs[name] = el('input', {
      id, name, value: params.get(name) || '', placeholder: 'any', autocomplete: 'off',
      spellcheck: 'false',
    });
    form.append(el('div', { class: 'field' }, el('label', { for: id }, label), inputs[name]));
  }
  form.append(el('button', { type: 'submit' }, 'Apply'));
  const state = el('p', { class: 'feed-status', id: 'feed-status', 'data-state': 'connecting' }, 'Connecting…');
  const list = el('ol', { class: 'feed', id: 'feed-list', 'aria-label': 'Receipts, newest first' });
  const empty = el('p', { class: 'empty', id: 'feed-empty' }, 'No receipts yet. New ones appear here as they are recorded.');
  main.append(el('h1', {}, 'Live feed'), form, state, empty, list);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const q = new URLSearchParams();
    for (const [name] of FILTERS) {
      const v = inputs[name].value.trim();
      if (v) {
        q.set(name, v);
      }
    }
    const next = '#/feed' + (q.toString() ? '/' + encodeURIComponent(q.toString()) : '');
    if (location.hash !== next) {
      location.hash = next;
    }
  });

  const query = new URLSearchParams();
  for (const [name] of FILTERS) {
    if (params.get(name)) {
      query.set(name, params.get(name));
    }
  }
  query.set('backlog', '50');
  const source = new EventSource('/v1/events?' + query.toString());
  source.addEventListener('open', () => {
    state.dataset.state = 'live';
    state.textContent = 'Live: new receipts appear as they are recorded.';
  });
  source.addEventListener('error', () => {
    if (source.readyState === EventSource.CLOSED) {
      state.dataset.state = 'closed';
      state.textContent = 'The feed closed (is your session still valid?). Reload to reconnect.';
    } else {
      state.dataset.state = 'reconnecting';
      state.textContent = 'Reconnecting…';
    }
  });
  source.addEventListener('overflow', () => {
    state.textContent = 'This view fell behind; reconnecting.';
  });
  source.addEventListener('receipt', (event) => {
    let receipt;
    try {
      receipt = JSON.parse(event.data);
    } catch (e) {
      return;
    }
    empty.hidden = true;
    list.prepend(entry(receipt));
    while (list.childElementCount > MAX) {
      list.lastElementChild.remove();
    }
  });
  return () => source.close();
}

/** One receipt as a list entry: when, state, who, what, and a link to the action's page. */
export function entry(receipt) {
  const a = receipt.action || {};
  const r = a.requester || {};
  const d = receipt.decision;
  const item = el('li', { class: 'entry', 'data-seq': receipt.seq, 'data-event': receipt.event });
  const head = el(
    'div',
    { class: 'entry-head' },
    stateBadge(receipt.event),
    el('time', { datetime: receipt.time }, receipt.time),
    el('span', { class: 'cls' }, a.class),
  );
  const who = [r.agent && 'agent ' + r.agent, r.session && 'session ' + r.session, r.human && 'for ' + r.human]
    .filter(Boolean)
    .join(' · ');
  item.append(
    head,
    el(
      'p',
      { class: 'what' },
      el('a', { href: route('action', a.id || ''), class: 'tool' }, a.tool || '(no tool)'),
      ' ',
      el('code', { class: 'params' }, summary(a.parameters)),
    ),
    who ? el('p', { class: 'who-line' }, who) : null,
    el('p', { class: 'aid mono wrap muted' }, a.id),
    d ? el('p', { class: 'why' }, d.reason, d.ruleIds && d.ruleIds.length ? ' — ' + d.ruleIds.join(', ') : '') : null,
  );
  return item;
}
