// A subject's page: its settings and versions, one version's schema formatted with its
// references and the versions that reference it, its data contract, a diff between any two
// versions, and the compatibility box.

import { get, getOr404, path } from './api.js';
import { h, badge, panel, link, replace, errorBox } from './dom.js';
import { formatSchema, schemaType } from './format.js';
import { contractPanel } from './contract.js';
import { diffTable } from './diff.js';
import { compatPanel } from './compat.js';
import { subjectRoute } from './subjects.js';

const versionRoute = (subject, version) => `${subjectRoute(subject)}/v/${version}`;
const diffRoute = (subject, a, b) => `${subjectRoute(subject)}/diff/${a}/${b}`;

/** Who references this version: [{subject, version}] from the ids `referencedby` names. */
async function referencedBy(subject, version) {
  const ids = await get(path`/subjects/${subject}/versions/${version}/referencedby`);
  const lists = await Promise.all(ids.map((id) => get(path`/schemas/ids/${id}/versions`)));
  return lists.flat().sort((a, b) => a.subject.localeCompare(b.subject) || a.version - b.version);
}

/** The level and mode of `subject`, marked when inherited from the global settings. */
async function settingsBadges(subject) {
  const [own, global, ownMode, globalMode] = await Promise.all([
    getOr404(path`/config/${subject}`, null),
    get('/config'),
    getOr404(path`/mode/${subject}`, null),
    get('/mode'),
  ]);
  const level = (own || global).compatibilityLevel;
  const mode = (ownMode || globalMode).mode;
  return [
    badge(`${level}${own ? '' : ' (global)'}`, 'level'),
    badge(`${mode}${ownMode ? '' : ' (global)'}`, 'mode'),
  ];
}

function schemaPanel(record) {
  const type = schemaType(record);
  return panel(`Version ${record.version}`, 'schema',
    h('p', { class: 'meta', id: 'schema-meta' }, `schema id ${record.id} · ${type}`),
    h('pre', { class: 'code', id: 'schema-text' }, formatSchema(record.schema, type)));
}

function referencesPanel(record) {
  const refs = record.references || [];
  return panel('References', 'references',
    refs.length
      ? h('table', { class: 'grid' },
        h('thead', {}, h('tr', {}, h('th', {}, 'name'), h('th', {}, 'subject'), h('th', {}, 'version'))),
        h('tbody', {}, refs.map((r) => h('tr', {},
          h('td', {}, r.name),
          h('td', {}, link(subjectRoute(r.subject), r.subject)),
          h('td', {}, link(versionRoute(r.subject, r.version), String(r.version)))))))
      : h('p', { class: 'muted' }, 'This version references no other schema.'));
}

function referencedByPanel(users) {
  return panel('Referenced by', 'referenced-by',
    users.length
      ? h('ul', { class: 'plain' }, users.map((u) => h('li', {},
        link(versionRoute(u.subject, u.version), `${u.subject} version ${u.version}`))))
      : h('p', { class: 'muted' }, 'No registered schema references this version.'));
}

function diffPanel(subject, versions, pair) {
  const options = (selectedValue) => versions.map((v) => h('option', { value: String(v), selected: v === selectedValue }, `version ${v}`));
  const last = versions[versions.length - 1];
  const [a, b] = pair || [versions.length > 1 ? versions[versions.length - 2] : last, last];
  const left = h('select', { id: 'diff-left' }, options(a));
  const right = h('select', { id: 'diff-right' }, options(b));
  left.value = String(a);
  right.value = String(b);
  const out = h('div', { id: 'diff-out' });
  async function run() {
    replace(out, h('p', { class: 'muted' }, 'Comparing…'));
    try {
      const [l, r] = await Promise.all([left.value, right.value].map((v) => get(path`/subjects/${subject}/versions/${v}`)));
      replace(out, diffTable(
        formatSchema(l.schema, schemaType(l)), formatSchema(r.schema, schemaType(r)),
        `version ${l.version} (id ${l.id})`, `version ${r.version} (id ${r.id})`));
      // Linkable without reloading the page (replaceState fires no hashchange).
      window.history.replaceState(null, '', `#${diffRoute(subject, left.value, right.value)}`);
    } catch (error) {
      replace(out, errorBox(error));
    }
  }
  const section = panel('Compare versions', 'diff',
    h('div', { class: 'row' }, left, h('span', {}, 'with'), right,
      h('button', { type: 'button', id: 'diff-run', onclick: run }, 'Compare')),
    out);
  return { section, run };
}

/** Renders the page of `subject` in `content`: `version` (default latest), and the diff of `pair` if given. */
export async function show(content, subject, version, pair) {
  replace(content, h('p', { class: 'muted' }, `Loading ${subject}…`));
  try {
    const versions = await get(path`/subjects/${subject}/versions`);
    const record = await get(path`/subjects/${subject}/versions/${version || 'latest'}`);
    const [latest, users, badges] = await Promise.all([
      get(path`/subjects/${subject}/versions/latest`),
      referencedBy(subject, record.version),
      settingsBadges(subject),
    ]);
    const diff = diffPanel(subject, versions, pair);
    replace(content,
      h('div', { class: 'title' },
        h('h1', { id: 'subject-title' }, subject),
        badge(schemaType(record), 'type'), badges),
      h('nav', { class: 'versions', id: 'versions', 'aria-label': 'versions' },
        h('span', { class: 'muted' }, 'Versions'),
        versions.map((v) => link(versionRoute(subject, v), String(v),
          { class: v === record.version ? 'current' : '', 'data-version': String(v) }))),
      h('div', { class: 'columns' },
        h('div', { class: 'main' }, schemaPanel(record), contractPanel(record)),
        h('div', { class: 'aside' }, referencesPanel(record), referencedByPanel(users))),
      diff.section,
      compatPanel(subject, formatSchema(latest.schema, schemaType(latest)), schemaType(latest), latest.references));
    if (pair) {
      await diff.run();
      diff.section.scrollIntoView();
    }
  } catch (error) {
    replace(content, h('h1', { id: 'subject-title' }, subject), errorBox(error));
    throw error;
  }
}
