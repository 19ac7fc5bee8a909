// The policy view: the policy in force (GET /v1/policy) — id, version, digest, its rules with how
// often each decided since the server started — and, for policy admins, validating a candidate
// (POST /v1/policy/validate) and reloading the policy directory (POST /v1/policy/reload).

import { api, ApiError } from './api.js';
import { el, facts } from './dom.js';

export function render(main, parts, ctx) {
  const focusRule = parts[0] || null;
  main.append(el('h1', {}, 'Policy'));
  const current = el('section', { 'aria-labelledby': 'h-current' }, el('h2', { id: 'h-current' }, 'In force'), el('p', {}, 'Loading…'));
  main.append(current);
  if (ctx.has('policy-admin')) {
    main.append(candidateSection(ctx));
  }
  let live = true;
  api
    .get('/v1/policy')
    .then((p) => {
      if (!live) {
        return;
      }
      current.replaceChildren(
        current.firstChild,
        facts([
          ['Id', p.id],
          ['Version', p.version],
          ['Description', p.description],
          ['Digest', el('span', { class: 'mono wrap', id: 'policy-digest' }, p.digest)],
          ['Hits counted since', p.hitsSince + (p.hitsComplete ? '' : ' (some were not counted under load: a lower bound)')],
        ]),
        rulesTable(p.rules || []),
      );
      if (focusRule) {
        const row = document.getElementById('rule-' + focusRule);
        if (row) {
          row.classList.add('focused');
          row.scrollIntoView({ block: 'center' });
        }
      }
    })
    .catch((e) => {
      if (live) {
        current.replaceChildren(current.firstChild, el('p', { class: 'error', role: 'alert' }, ctx.failed(e) || 'Cannot load the policy.'));
      }
    });
  return () => {
    live = false;
  };
}

function rulesTable(rules) {
  const body = el('tbody');
  for (const r of rules) {
    const match = r.match || {};
    const what = [
      (match.classes || []).length ? 'class ' + match.classes.join(', ') : '',
      (match.tools || []).length ? 'tool ' + match.tools.join(', ') : '',
    ].filter(Boolean).join('; ') || 'anything';
    body.append(
      el('tr', { id: 'rule-' + r.id, 'data-rule': r.id },
        el('th', { scope: 'row', class: 'mono wrap' }, r.id),
        el('td', {}, r.effect, r.mode === 'shadow' ? ' (shadow)' : ''),
        el('td', { class: 'wrap' }, what, r.when ? el('div', { class: 'mono wrap' }, 'when ' + r.when) : null),
        el('td', { class: 'num hits' }, String(r.hits ?? 0)),
        el('td', { class: 'wrap' }, r.reason, r.lastHit ? el('div', { class: 'muted' }, 'last ' + r.lastHit) : null),
        el('td', { class: 'mono wrap muted' }, r.position),
      ),
    );
  }
  return el('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Rules' },
    el('table', { class: 'rules', id: 'rules' },
      el('caption', {}, rules.length + ' rules'),
      el('thead', {}, el('tr', {}, ...['Rule', 'Effect', 'Matches', 'Hits', 'Reason', 'Where'].map((h) => el('th', { scope: 'col' }, h)))),
      body));
}

function candidateSection(ctx) {
  const name = el('input', { id: 'candidate-name', value: 'policy.yaml', spellcheck: 'false', autocomplete: 'off' });
  const text = el('textarea', { id: 'candidate-text', rows: '14', spellcheck: 'false', 'aria-describedby': 'candidate-help' });
  const result = el('div', { id: 'candidate-result', role: 'status' });
  const validate = el('button', { type: 'submit' }, 'Validate');
  const reload = el('button', { type: 'button', id: 'policy-reload' }, 'Reload the policy directory');
  const form = el('form', { class: 'candidate' },
    el('label', { for: 'candidate-name' }, 'File name'), name,
    el('label', { for: 'candidate-text' }, 'Candidate policy (YAML)'), text,
    el('p', { id: 'candidate-help', class: 'muted' }, 'Validation loads the candidate and runs its examples; nothing is put in force.'),
    el('div', { class: 'buttons' }, validate, reload),
    result);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    result.textContent = 'Validating…';
    try {
      const r = await api.post('/v1/policy/validate', { files: { [name.value.trim()]: text.value } });
      showProblems(result, r.valid, r.valid ? 'Valid: ' + r.rules + ' rules, digest ' + r.digest : 'Not valid', r.problems);
    } catch (e) {
      result.textContent = ctx.failed(e) || 'Cannot validate.';
    }
  });
  reload.addEventListener('click', async () => {
    result.textContent = 'Reloading…';
    try {
      const r = await api.post('/v1/policy/reload');
      showProblems(result, true, 'Reloaded: digest ' + r.digest, []);
    } catch (e) {
      if (e instanceof ApiError && e.status === 422 && e.body) {
        showProblems(result, false, 'Refused; the old policy stays in force', e.body.problems || []);
      } else {
        result.textContent = ctx.failed(e) || 'Cannot reload.';
      }
    }
  });
  return el('section', { 'aria-labelledby': 'h-candidate' }, el('h2', { id: 'h-candidate' }, 'Validate a candidate'), form);
}

function showProblems(result, ok, headline, problems) {
  const list = el('ul', { class: 'problems', id: 'candidate-problems' });
  for (const p of problems || []) {
    list.append(el('li', {}, el('span', { class: 'mono' }, p.file + ':' + p.line + ':' + p.column), ' ', p.message));
  }
  result.dataset.valid = String(ok);
  result.replaceChildren(el('p', { class: ok ? 'ok' : 'error' }, headline), problems && problems.length ? list : null);
}
