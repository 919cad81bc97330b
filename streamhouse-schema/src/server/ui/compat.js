// The compatibility box: paste a schema, ask the registry whether the subject would accept it
// (`POST /compatibility/subjects/{s}/versions/latest?verbose=true`, or against every version),
// and show its verdict with Confluent's messages. Registering goes through the same API, so
// read-only credentials get the registry's 403.

import { ApiError, path, post } from './api.js';
import { h, panel, replace, errorBox } from './dom.js';

function request(schemaBox, typeBox, refsBox) {
  const body = { schema: schemaBox.value };
  if (typeBox.value !== 'AVRO') body.schemaType = typeBox.value;
  const refs = refsBox.value.trim();
  if (refs) {
    let parsed;
    try {
      parsed = JSON.parse(refs);
    } catch (error) {
      throw new ApiError(0, 0, `The references are not JSON: ${error.message}`);
    }
    if (!Array.isArray(parsed)) throw new ApiError(0, 0, 'The references must be a JSON array of {"name", "subject", "version"}.');
    body.references = parsed;
  }
  return body;
}

function verdict(answer) {
  const ok = answer.is_compatible === true;
  const messages = Array.isArray(answer.messages) ? answer.messages : [];
  return [
    h('p', { class: `verdict ${ok ? 'ok' : 'bad'}`, id: 'compat-verdict' },
      ok ? 'Compatible' : 'Incompatible'),
    messages.length
      ? h('ul', { class: 'messages', id: 'compat-messages' }, messages.map((m) => h('li', {}, m)))
      : null,
  ];
}

/** The compatibility panel of `subject`, prefilled with `latest` (text and type). */
export function compatPanel(subject, latestText, latestType, latestRefs) {
  const schemaBox = h('textarea', { id: 'compat-schema', rows: 12, spellcheck: false, value: latestText });
  const typeBox = h('select', { id: 'compat-type' },
    ['AVRO', 'JSON', 'PROTOBUF'].map((t) => h('option', { value: t }, t)));
  typeBox.value = latestType;
  const refsBox = h('textarea', {
    id: 'compat-references', rows: 2, spellcheck: false,
    placeholder: '[{"name": "common.proto", "subject": "common", "version": 1}]',
    value: latestRefs && latestRefs.length ? JSON.stringify(latestRefs) : '',
  });
  const against = h('select', { id: 'compat-against' },
    h('option', { value: 'latest' }, 'the latest version'),
    h('option', { value: 'all' }, 'every version'));
  const result = h('div', { class: 'compat-result', id: 'compat-result', 'aria-live': 'polite' });

  async function check() {
    replace(result, h('p', { class: 'muted' }, 'Checking…'));
    try {
      const body = request(schemaBox, typeBox, refsBox);
      const target = against.value === 'all'
        ? path`/compatibility/subjects/${subject}/versions`
        : path`/compatibility/subjects/${subject}/versions/latest`;
      replace(result, verdict(await post(`${target}?verbose=true`, body)));
    } catch (error) {
      replace(result, errorBox(error));
    }
  }

  async function register() {
    replace(result, h('p', { class: 'muted' }, 'Registering…'));
    try {
      const answer = await post(path`/subjects/${subject}/versions`, request(schemaBox, typeBox, refsBox));
      replace(result, h('p', { class: 'verdict ok', id: 'register-result' },
        `Registered: schema id ${answer.id}. Reload the subject to see the version.`));
    } catch (error) {
      replace(result, errorBox(error));
    }
  }

  return panel('Check compatibility', 'compat',
    h('p', { class: 'muted' }, 'Paste a schema to see whether this subject would accept it under its compatibility level.'),
    schemaBox,
    h('div', { class: 'row' },
      h('label', {}, 'Type ', typeBox),
      h('label', {}, 'Against ', against),
      h('label', { class: 'grow' }, 'References ', refsBox)),
    h('div', { class: 'row' },
      h('button', { type: 'button', id: 'compat-run', onclick: check }, 'Check'),
      h('button', { type: 'button', id: 'register-run', class: 'secondary', onclick: register }, 'Register as a new version')),
    result);
}
