// The schema browser's entry point: credentials, global settings, the subject list and the
// routes of the page (`#/s/<subject>`, `#/s/<subject>/v/<version>`,
// `#/s/<subject>/diff/<a>/<b>`).

import { ApiError, credentials, get, saveCredentials } from './api.js';
import { h, badge, replace } from './dom.js';
import * as subjects from './subjects.js';
import * as subjectPage from './subject.js';

const $ = (id) => document.getElementById(id);

function banner(text) {
  const el = $('banner');
  el.hidden = !text;
  replace(el, text || '');
}

/** Shows what went wrong; a 401 opens the credentials form. */
function report(error) {
  if (error instanceof ApiError && error.status === 401) {
    banner('The registry needs credentials: enter them under Credentials.');
    const scheme = $('login-scheme');
    if (scheme.value === 'none') {
      scheme.value = 'basic';
      $('login').dataset.scheme = 'basic';
    }
    $('login').hidden = false;
  } else if (error instanceof ApiError && error.status === 403) {
    banner(`Not allowed with these credentials: ${error.message}`);
  } else {
    banner(error.message || String(error));
  }
}

function showWho() {
  const c = credentials();
  let who = 'no credentials';
  if (c.scheme === 'basic') who = `user ${c.user || ''}`;
  if (c.scheme === 'bearer') who = 'bearer token';
  replace($('who'), who);
}

function setupLogin() {
  const form = $('login');
  const scheme = $('login-scheme');
  const sync = () => { form.dataset.scheme = scheme.value; };
  const saved = credentials();
  scheme.value = saved.scheme || 'none';
  $('login-user').value = saved.user || '';
  sync();
  scheme.addEventListener('change', sync);
  $('login-toggle').addEventListener('click', () => { form.hidden = !form.hidden; });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    saveCredentials({
      scheme: scheme.value,
      user: $('login-user').value,
      password: $('login-password').value,
      token: $('login-token').value,
    });
    $('login-password').value = '';
    $('login-token').value = '';
    form.hidden = true;
    showWho();
    start();
  });
}

async function globalSettings() {
  const [config, mode] = await Promise.all([get('/config'), get('/mode')]);
  replace($('global-settings'), 'global ', badge(config.compatibilityLevel, 'level'), badge(mode.mode, 'mode'));
}

/** The route in the hash: {subject, version, pair}. */
function route() {
  const parts = window.location.hash.replace(/^#\/?/, '').split('/').map((p) => {
    try {
      return decodeURIComponent(p);
    } catch (_) {
      return p;
    }
  });
  if (parts[0] !== 's' || !parts[1]) return {};
  if (parts[2] === 'v' && parts[3]) return { subject: parts[1], version: parts[3] };
  if (parts[2] === 'diff' && parts[3] && parts[4]) return { subject: parts[1], pair: [Number(parts[3]), Number(parts[4])] };
  return { subject: parts[1] };
}

async function navigate() {
  const { subject, version, pair } = route();
  subjects.select(subject || null);
  const content = $('content');
  if (!subject) {
    replace(content, h('p', { class: 'empty' }, 'Choose a subject.'));
    return;
  }
  try {
    await subjectPage.show(content, subject, version, pair);
  } catch (error) {
    report(error);
  }
}

async function start() {
  banner('');
  try {
    await Promise.all([globalSettings(), subjects.load()]);
  } catch (error) {
    report(error);
    return;
  }
  await navigate();
}

setupLogin();
showWho();
// Typing fires `input`; clearing the box may fire only `change` or `search`. The list is
// rebuilt only when the query changed, so that a blur does not replace a link being clicked.
let lastQuery = '';
for (const event of ['input', 'change', 'search']) {
  $('search').addEventListener(event, () => {
    if ($('search').value === lastQuery) return;
    lastQuery = $('search').value;
    subjects.render();
  });
}
window.addEventListener('hashchange', navigate);
start();
