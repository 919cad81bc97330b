// The subject list beside every page: search by substring, each subject with its
// compatibility level and mode (its own or the global one, `defaultToGlobal=true`).

import { get, path } from './api.js';
import { h, badge, replace } from './dom.js';

// How many subjects are listed at once, and how many settings requests run together.
const SHOWN = 200;
const PARALLEL = 4;

let all = [];
const settings = new Map();
let selected = null;

/** A route to a subject's page. */
export function subjectRoute(subject) {
  return `/s/${encodeURIComponent(subject)}`;
}

async function loadSettings(subject) {
  if (settings.has(subject)) return settings.get(subject);
  const [config, mode] = await Promise.all([
    get(`${path`/config/${subject}`}?defaultToGlobal=true`),
    get(`${path`/mode/${subject}`}?defaultToGlobal=true`),
  ]);
  const value = { level: config.compatibilityLevel || config.compatibility || '', mode: mode.mode || '' };
  settings.set(subject, value);
  return value;
}

function fill(item, value) {
  replace(item.querySelector('.badges'), badge(value.level, 'level'), badge(value.mode, 'mode'));
}

async function fillAll(items) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next];
      next += 1;
      try {
        fill(item, await loadSettings(item.dataset.subject));
      } catch (error) {
        replace(item.querySelector('.badges'), badge('?', 'unknown'));
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
}

/** Lists the subjects matching the search box. */
export function render() {
  const query = document.getElementById('search').value.trim().toLowerCase();
  const matching = all.filter((s) => s.toLowerCase().includes(query));
  const shown = matching.slice(0, SHOWN);
  const items = shown.map((subject) => h('li', {
    'data-subject': subject,
    class: subject === selected ? 'selected' : '',
  },
  h('a', { href: `#${subjectRoute(subject)}` }, h('span', { class: 'name' }, subject)),
  h('span', { class: 'badges' })));
  replace(document.getElementById('subject-list'), items);
  const count = matching.length > SHOWN
    ? `${matching.length} subjects, the first ${SHOWN} shown`
    : `${matching.length} of ${all.length} subject${all.length === 1 ? '' : 's'}`;
  replace(document.getElementById('subject-count'), count);
  fillAll(items);
}

/** Fetches the subject names again and lists them. */
export async function load() {
  all = (await get('/subjects')).slice().sort();
  settings.clear();
  render();
}

/** Marks `subject` as the one shown (null for none). */
export function select(subject) {
  selected = subject;
  for (const item of document.querySelectorAll('#subject-list li')) {
    item.classList.toggle('selected', item.dataset.subject === subject);
  }
}
