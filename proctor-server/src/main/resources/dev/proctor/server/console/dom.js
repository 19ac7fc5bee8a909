// The console's only way to make DOM. Receipts carry agent-controlled text (tool names, arguments,
// session ids, sub-agent names), so every string becomes a text node — never markup — and
// attributes that could run code (on*, style, srcdoc) or leave the console (href) are refused
// here, once, rather than trusted at every call site. The page's Content-Security-Policy backs
// this up: no inline script or style runs, and Trusted Types make any innerHTML assignment throw.

const REFUSED = /^(on|style$|srcdoc$|formaction$)/i;

/** An element with properties and children; strings and numbers become text nodes. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (name === 'class') {
      node.className = value;
    } else if (name === 'text') {
      node.textContent = String(value);
    } else if (name === 'on') {
      for (const [event, handler] of Object.entries(value)) {
        node.addEventListener(event, handler);
      }
    } else if (name === 'href') {
      node.setAttribute('href', localHref(value));
    } else if (REFUSED.test(name)) {
      throw new Error('attribute ' + name + ' is not set by the console');
    } else {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(node, ...children);
  return node;
}

/** Appends children: nodes as they are, other values as text. */
export function append(node, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) {
      continue;
    }
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Removes every child. */
export function clear(node) {
  while (node.firstChild) {
    node.firstChild.remove();
  }
  return node;
}

/** A link inside the console or to this server: a fragment or an absolute path, nothing else. */
export function localHref(href) {
  const s = String(href);
  if (s.startsWith('#') || (s.startsWith('/') && !s.startsWith('//'))) {
    return s;
  }
  throw new Error('the console links only to itself');
}

/** A console route's fragment: #/name/part with each part encoded. */
export function route(name, ...parts) {
  return '#/' + [name, ...parts.map((p) => encodeURIComponent(p))].join('/');
}

/** A definition list from [term, value] pairs; absent values are left out. */
export function facts(pairs) {
  const dl = el('dl', { class: 'facts' });
  for (const [term, value] of pairs) {
    if (value === undefined || value === null || value === '') {
      continue;
    }
    dl.append(el('dt', {}, term), el('dd', {}, value));
  }
  return dl;
}

/** Pretty JSON as text in a pre block. */
export function jsonBlock(value, label) {
  return el(
    'pre',
    { class: 'json', tabindex: '0', 'aria-label': label },
    JSON.stringify(value, null, 2),
  );
}

/** A short, one-line rendering of a value for lists (the full value is on the action page). */
export function summary(value, max = 160) {
  let s = typeof value === 'string' ? value : JSON.stringify(value);
  if (s === undefined) {
    return '';
  }
  s = s.replace(/\s+/g, ' ');
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

/** A badge for a lifecycle state or decision; the class is from a fixed set. */
export function stateBadge(state) {
  const known = new Set([
    'requested', 'allowed', 'denied', 'rate_limited', 'approval_required', 'deferred',
    'approved', 'rejected', 'expired', 'canceled', 'executing', 'succeeded', 'failed',
    'interrupted', 'rolled_back', 'allow', 'deny', 'modify', 'ask', 'step_up', 'defer',
  ]);
  const s = String(state ?? '?');
  return el('span', { class: 'badge ' + (known.has(s) ? 'st-' + s : 'st-other') }, s);
}
