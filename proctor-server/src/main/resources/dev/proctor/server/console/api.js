// The console's calls to the JSON API: same-origin, the session cookie, and the CSRF token from
// log-in on every state-changing request (the server refuses those without it: 403 csrf).

let csrfToken = null;

/** An answer other than 2xx: its status, the API's error code and message, and its body. */
export class ApiError extends Error {
  constructor(status, code, message, body) {
    super(message);
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

/** Remembers the session's CSRF token (null after log-out). */
export function useSession(session) {
  csrfToken = session ? session.csrfToken : null;
}

async function call(method, path, body) {
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store', redirect: 'error' };
  if (method !== 'GET' && csrfToken) {
    headers['X-CSRF-Token'] = csrfToken;
  }
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch (e) {
    json = null;
  }
  if (!response.ok) {
    const code = json && typeof json.error === 'string' ? json.error : 'http-' + response.status;
    const message = json && typeof json.message === 'string' ? json.message : text;
    throw new ApiError(response.status, code, message, json);
  }
  return json;
}

export const api = {
  get: (path) => call('GET', path),
  post: (path, body) => call('POST', path, body),
};

/** A path under /v1/actions/ for an action id that may hold slashes: each segment encoded. */
export function actionPath(id) {
  return '/v1/actions/' + String(id).split('/').map(encodeURIComponent).join('/');
}

/** The proof download of a receipt, as `proctor audit verify` reads it. */
export function proofPath(receiptId, download) {
  return '/v1/audit/receipts/' + encodeURIComponent(receiptId) + '/proof' + (download ? '?download=1' : '');
}
