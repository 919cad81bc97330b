// Building elements without HTML strings: every text from the registry goes in as text.

/** An element with attributes (`class`, `data-*`, properties for the rest) and children. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key.startsWith('data-') || key === 'for' || key === 'role' || key.startsWith('aria-')) el.setAttribute(key, value);
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else el[key] = value;
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/** Empties `el` and fills it with `children`. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A small label such as a compatibility level. */
export function badge(text, kind) {
  return h('span', { class: `badge ${kind || ''}` }, text);
}

/** A section with a heading. */
export function panel(title, id, ...children) {
  return h('section', { class: 'panel', id }, h('h2', {}, title), ...children);
}

/** A link to a route of the page. */
export function link(route, text, attrs) {
  return h('a', { href: `#${route}`, ...(attrs || {}) }, text);
}

/** Shows an error where the content would be. */
export function errorBox(error) {
  const code = error.code && error.code !== error.status ? ` (error ${error.code})` : '';
  return h('p', { class: 'error', role: 'alert' }, `${error.message}${code}`);
}
