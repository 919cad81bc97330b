// A version's data contract: Confluent's `metadata` (tags, properties, sensitive) and
// `ruleSet` (migration, domain and encoding rules).

import { h, panel } from './dom.js';
import { pretty } from './format.js';

function table(head, rows) {
  return h('table', { class: 'grid' },
    h('thead', {}, h('tr', {}, head.map((c) => h('th', {}, c)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c))))));
}

function metadataView(metadata) {
  const parts = [];
  const properties = Object.entries(metadata.properties || {});
  if (properties.length) {
    parts.push(h('h3', {}, 'Properties'), table(['key', 'value'], properties.map(([k, v]) => [k, String(v)])));
  }
  const tags = Object.entries(metadata.tags || {});
  if (tags.length) {
    parts.push(h('h3', {}, 'Tags'), table(['path', 'tags'], tags.map(([k, v]) => [k, [].concat(v).join(', ')])));
  }
  const sensitive = metadata.sensitive || [];
  if (sensitive.length) parts.push(h('h3', {}, 'Sensitive'), h('p', {}, sensitive.join(', ')));
  return parts;
}

const PHASES = [
  ['migrationRules', 'Migration rules'],
  ['domainRules', 'Domain rules'],
  ['encodingRules', 'Encoding rules'],
];

function rulesView(ruleSet) {
  const parts = [];
  for (const [key, title] of PHASES) {
    const rules = ruleSet[key] || [];
    if (!rules.length) continue;
    parts.push(h('h3', {}, title), table(
      ['name', 'kind', 'mode', 'type', 'expression', 'on success / failure', 'tags', 'params', 'disabled'],
      rules.map((r) => [
        r.name || '',
        r.kind || '',
        r.mode || '',
        r.type || '',
        h('code', {}, r.expr || ''),
        [r.onSuccess || '-', r.onFailure || '-'].join(' / '),
        (r.tags || []).join(', '),
        Object.entries(r.params || {}).map(([k, v]) => `${k}=${v}`).join(', '),
        r.disabled ? 'yes' : 'no',
      ])));
  }
  return parts;
}

/** The data-contract panel of a version, or null when it has neither metadata nor rules. */
export function contractPanel(version) {
  const { metadata, ruleSet } = version;
  if (!metadata && !ruleSet) return null;
  return panel('Data contract', 'contract',
    metadata ? [h('h3', { class: 'major' }, 'Metadata'), metadataView(metadata)] : null,
    ruleSet ? [h('h3', { class: 'major' }, 'Rules'), rulesView(ruleSet)] : null,
    h('details', {}, h('summary', {}, 'As JSON'),
      h('pre', { class: 'code' }, pretty({ metadata, ruleSet }))));
}
