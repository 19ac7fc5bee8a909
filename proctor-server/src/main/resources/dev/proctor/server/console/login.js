// Log-in: POST /v1/auth/login sets the HttpOnly session cookie and answers the CSRF token.

import { api, ApiError } from './api.js';
import { el } from './dom.js';

export function render(main, parts, ctx) {
  const user = el('input', {
    id: 'login-user', name: 'user', autocomplete: 'username', required: true,
    autocapitalize: 'none', spellcheck: 'false',
  });
  const password = el('input', {
    id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password',
    required: true,
  });
  const error = el('p', { class: 'error', id: 'login-error', role: 'alert' });
  const form = el(
    'form',
    { class: 'login', 'aria-describedby': 'login-error' },
    el('label', { for: 'login-user' }, 'User'),
    user,
    el('label', { for: 'login-password' }, 'Password'),
    password,
    el('button', { type: 'submit' }, 'Log in'),
    error,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    try {
      const session = await api.post('/v1/auth/login', {
        user: user.value,
        password: password.value,
      });
      password.value = '';
      ctx.signedIn(session);
    } catch (e) {
      password.value = '';
      error.textContent = e instanceof ApiError && e.status === 429
        ? 'Too many failed log-ins; wait and try again.'
        : e instanceof ApiError && e.status === 401
          ? 'Wrong user name or password.'
          : 'Cannot log in: ' + (e instanceof ApiError ? e.code + ': ' + e.message : String(e));
      password.focus();
    }
  });
  main.append(el('h1', {}, 'Log in'), form);
  user.focus();
}
