// The console's frame: the session, the navigation, and a router over #/name/parts fragments.
// Each panel is a module exporting render(main, parts, ctx), which may return a function that
// stops what it started (the live feed closes its EventSource). A panel is one entry in PANELS.

import { api, ApiError, useSession } from './api.js';
import { append, clear, el } from './dom.js';
import * as login from './login.js';
import * as feed from './feed.js';
import * as action from './action.js';
import * as audit from './audit.js';
import * as policy from './policy.js';

/**
 * The panels: route name, nav title (none: reached by links only), the roles that may open it
 * (any one), and the module. Approvals (a later release) add one line here:
 * { name: 'approvals', title: 'Approvals', roles: ['approver'], view: approvals }.
 */
const PANELS = [
  { name: 'feed', title: 'Live feed', roles: ['operator', 'approver', 'auditor'], view: feed },
  { name: 'audit', title: 'Audit', roles: ['auditor'], view: audit },
  { name: 'policy', title: 'Policy', roles: ['operator', 'policy-admin', 'auditor'], view: policy },
  {
    name: 'action',
    title: null,
    roles: ['approver', 'operator', 'policy-admin', 'auditor'],
    view: action,
  },
];

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
const logoutButton = document.getElementById('logout');
const statusLine = document.getElementById('status');

let session = null;
let stop = null;

/** What panels get: the session, its roles, and a way to report status or navigate. */
const ctx = {
  get session() {
    return session;
  },
  has(role) {
    return session !== null && session.roles.includes(role);
  },
  status(message) {
    statusLine.textContent = message;
  },
  failed(error) {
    if (error instanceof ApiError && error.status === 401) {
      signedOut('Your session ended; log in again.');
      return;
    }
    const text = error instanceof ApiError ? error.code + ': ' + error.message : String(error);
    statusLine.textContent = text;
    return text;
  },
  signedIn(s) {
    session = s;
    useSession(s);
    frame();
    const next = location.hash.startsWith('#/') && !location.hash.startsWith('#/login')
      ? location.hash
      : '#/' + firstPanel();
    if (location.hash === next) {
      show();
    } else {
      location.hash = next;
    }
  },
};

function allowed(panel) {
  return session !== null && panel.roles.some((r) => session.roles.includes(r));
}

function firstPanel() {
  const p = PANELS.find((x) => x.title && allowed(x));
  return p ? p.name : 'none';
}

function frame() {
  clear(nav);
  clear(who);
  if (session === null) {
    logoutButton.hidden = true;
    return;
  }
  const list = el('ul');
  for (const p of PANELS) {
    if (p.title && allowed(p)) {
      list.append(el('li', {}, el('a', { href: '#/' + p.name, 'data-panel': p.name }, p.title)));
    }
  }
  nav.append(list);
  append(who, session.user, ' (', session.roles.join(', '), ')');
  logoutButton.hidden = false;
}

function signedOut(message) {
  session = null;
  useSession(null);
  frame();
  if (!location.hash.startsWith('#/login')) {
    location.hash = '#/login';
  } else {
    show();
  }
  statusLine.textContent = message || '';
}

function parse(hash) {
  const parts = hash.replace(/^#\/?/, '').split('/');
  const name = parts.shift() || '';
  return { name, parts: parts.map((p) => decodeURIComponent(p)) };
}

/** Shows the page the fragment names; after a navigation the focus moves to its heading. */
function show(moveFocus = true) {
  if (stop) {
    try {
      stop();
    } catch (e) {
      // A panel that cannot stop cleanly must not keep the next one from showing.
    }
    stop = null;
  }
  clear(main);
  statusLine.textContent = '';
  const { name, parts } = parse(location.hash);
  for (const a of nav.querySelectorAll('a')) {
    if (a.dataset.panel === name) {
      a.setAttribute('aria-current', 'page');
    } else {
      a.removeAttribute('aria-current');
    }
  }
  if (session === null || name === 'login') {
    document.title = 'Log in · Proctor';
    stop = login.render(main, parts, ctx) || null;
    return;
  }
  const panel = PANELS.find((p) => p.name === name);
  if (!panel) {
    document.title = 'Proctor';
    main.append(
      el('h1', { tabindex: '-1' }, 'Nothing here'),
      el('p', {}, 'No such page. ', el('a', { href: '#/' + firstPanel() }, 'Go to the console')),
    );
    focusHeading();
    return;
  }
  if (!allowed(panel)) {
    document.title = 'Not allowed · Proctor';
    main.append(
      el('h1', { tabindex: '-1' }, 'Not allowed'),
      el('p', {}, 'This page needs one of the roles: ' + panel.roles.join(', ') + '.'),
    );
    focusHeading();
    return;
  }
  document.title = (panel.title || panel.name) + ' · Proctor';
  stop = panel.view.render(main, parts, ctx) || null;
  if (moveFocus) {
    focusHeading();
  }
}

/** Moves focus to the new page's heading, so keyboard and screen-reader users start there. */
function focusHeading() {
  const h = main.querySelector('h1');
  if (h) {
    h.setAttribute('tabindex', '-1');
    h.focus({ preventScroll: true });
  }
}

logoutButton.addEventListener('click', async () => {
  try {
    await api.post('/v1/auth/logout');
  } catch (e) {
    // Logged out either way: the session is forgotten here.
  }
  signedOut('Logged out.');
});

window.addEventListener('hashchange', () => show(true));

async function start() {
  try {
    const s = await api.get('/v1/auth/session');
    session = s;
    useSession(s);
    frame();
    if (!location.hash.startsWith('#/') || location.hash.startsWith('#/login')) {
      location.hash = '#/' + firstPanel();
    }
  } catch (e) {
    session = null;
  }
  // On a fresh load the focus stays at the top of the page (skip link, navigation).
  show(false);
  document.body.dataset.ready = 'true';
}

start();
