// A line diff (Myers' O(ND) algorithm, "An O(ND) Difference Algorithm and Its Variations",
// 1986) and its side-by-side table.

import { h } from './dom.js';

// Past this many differing lines the texts are shown as replaced wholesale: the trace of
// Myers' algorithm grows with the square of the distance.
const MAX_DISTANCE = 2000;

/**
 * The edit script from lines `a` to lines `b`: a list of
 * {op: 'same'|'del'|'add', left: index in a or -1, right: index in b or -1}.
 */
export function diffLines(a, b) {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, MAX_DISTANCE);
  const offset = max + 1;
  let v = new Int32Array(2 * max + 3);
  const trace = [];
  let found = -1;
  for (let d = 0; d <= max && found < 0; d += 1) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x;
      if (k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1])) x = v[offset + k + 1];
      else x = v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) { x += 1; y += 1; }
      v[offset + k] = x;
      if (x >= n && y >= m) { found = d; break; }
    }
  }
  if (found < 0) {
    return [
      ...a.map((_, i) => ({ op: 'del', left: i, right: -1 })),
      ...b.map((_, j) => ({ op: 'add', left: -1, right: j })),
    ];
  }
  // Walk the trace back from (n, m) to (0, 0).
  const script = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d -= 1) {
    v = trace[d];
    const k = x - y;
    const prevK = (k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1])) ? k + 1 : k - 1;
    const prevX = v[offset + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) { x -= 1; y -= 1; script.push({ op: 'same', left: x, right: y }); }
    if (x === prevX) { y -= 1; script.push({ op: 'add', left: -1, right: y }); } else { x -= 1; script.push({ op: 'del', left: x, right: -1 }); }
  }
  while (x > 0 && y > 0) { x -= 1; y -= 1; script.push({ op: 'same', left: x, right: y }); }
  return script.reverse();
}

/**
 * Rows of a side-by-side view: runs of deleted and added lines between unchanged ones are
 * paired up as changed rows. Each row: {kind: 'same'|'changed'|'del'|'add', left, right}
 * with line indexes or -1.
 */
export function sideBySide(script) {
  const rows = [];
  let dels = [];
  let adds = [];
  const flush = () => {
    const pairs = Math.max(dels.length, adds.length);
    for (let i = 0; i < pairs; i += 1) {
      const left = i < dels.length ? dels[i] : -1;
      const right = i < adds.length ? adds[i] : -1;
      let kind = 'changed';
      if (left < 0) kind = 'add';
      else if (right < 0) kind = 'del';
      rows.push({ kind, left, right });
    }
    dels = [];
    adds = [];
  };
  for (const step of script) {
    if (step.op === 'del') dels.push(step.left);
    else if (step.op === 'add') adds.push(step.right);
    else {
      flush();
      rows.push({ kind: 'same', left: step.left, right: step.right });
    }
  }
  flush();
  return rows;
}

/** The side-by-side table of two texts, with a summary of added and removed lines. */
export function diffTable(leftText, rightText, leftTitle, rightTitle) {
  const a = leftText.split('\n');
  const b = rightText.split('\n');
  const script = diffLines(a, b);
  const added = script.filter((s) => s.op === 'add').length;
  const removed = script.filter((s) => s.op === 'del').length;
  const rows = sideBySide(script).map((row) => h('tr', { class: `row-${row.kind}` },
    h('td', { class: 'ln' }, row.left >= 0 ? row.left + 1 : ''),
    h('td', { class: 'code left' }, row.left >= 0 ? a[row.left] : ''),
    h('td', { class: 'ln' }, row.right >= 0 ? row.right + 1 : ''),
    h('td', { class: 'code right' }, row.right >= 0 ? b[row.right] : '')));
  const summary = added === 0 && removed === 0
    ? 'The two versions are identical.'
    : `${removed} line${removed === 1 ? '' : 's'} removed, ${added} line${added === 1 ? '' : 's'} added.`;
  return h('div', { class: 'diff' },
    h('p', { class: 'diff-summary', id: 'diff-summary' }, summary),
    h('table', { class: 'diff-table', id: 'diff-table' },
      h('colgroup', {}, h('col', { class: 'ln' }), h('col', {}), h('col', { class: 'ln' }), h('col', {})),
      h('thead', {}, h('tr', {}, h('th', { colSpan: 2 }, leftTitle), h('th', { colSpan: 2 }, rightTitle))),
      h('tbody', {}, rows)));
}
