// A version's data contract: Confluent's `metadata` (tags, properties, sensitive) and
// `ruleSet` (migration, domain and encoding rules).

import { h, panel } from './dom.js';
import { pretty } from './format.js';

function table(head, rows) {
  return h('table', { class: 'grid' },
    head ? h('thead', {}, h('tr', {}, head.map((c) => h('th', {}, c)))) : null,
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

function ruleView(rule) {
  const rows = [
    ['kind · mode · type', [rule.kind, rule.mode, rule.type].filter(Boolean).join(' · ')],
    ['expression', h('code', {}, rule.expr || '')],
    ['on success / failure', [rule.onSuccess || '-', rule.onFailure || '-'].join(' / ')],
  ];
  if ((rule.tags || []).length) rows.push(['tags', rule.tags.join(', ')]);
  const params = Object.entries(rule.params || {});
  if (params.length) rows.push(['params', params.map(([k, v]) => `${k}=${v}`).join(', ')]);
  rows.push(['disabled', rule.disabled ? 'yes' : 'no']);
  return h('div', { class: 'rule', 'data-rule': rule.name || '' },
    h('p', { class: 'rule-name' }, rule.name || '(unnamed)'),
    table(null, rows));
}

function rulesView(ruleSet) {
  const parts = [];
  for (const [key, title] of PHASES) {
    const rules = ruleSet[key] || [];
    if (rules.length) parts.push(h('h3', {}, title), rules.map(ruleView));
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
