// The registry's REST API, as any client calls it: same origin, Confluent's JSON, and the
// credentials the user typed in (or none). `credentials: 'omit'` keeps the browser from adding
// cookies or remembered HTTP credentials of its own and from prompting on a 401: the page
// asks instead.

const TYPE = 'application/vnd.schemaregistry.v1+json';
const STORE_KEY = 'streamhouse-registry-credentials';

// The API's root: the page is served at <root>/ui/.
const ROOT = new URL('../', window.location.href);

/** An error answer of the API: HTTP status, Confluent error code and message. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** The saved credentials: {scheme: 'none'|'basic'|'bearer', user, password, token}. */
export function credentials() {
  try {
    const saved = JSON.parse(window.sessionStorage.getItem(STORE_KEY) || 'null');
    if (saved && typeof saved === 'object') return saved;
  } catch (_) {
    // Unreadable: as if none were saved.
  }
  return { scheme: 'none' };
}

/** Saves credentials for this tab. */
export function saveCredentials(value) {
  window.sessionStorage.setItem(STORE_KEY, JSON.stringify(value));
}

function authorization() {
  const c = credentials();
  if (c.scheme === 'basic') {
    const bytes = new TextEncoder().encode(`${c.user || ''}:${c.password || ''}`);
    let binary = '';
    bytes.forEach((b) => { binary += String.fromCharCode(b); });
    return `Basic ${window.btoa(binary)}`;
  }
  if (c.scheme === 'bearer') return `Bearer ${c.token || ''}`;
  return null;
}

/** A path with its segments percent-encoded: path`/subjects/${s}` keeps `/` inside s. */
export function path(strings, ...values) {
  return strings.reduce((out, s, i) => out + s + (i < values.length ? encodeURIComponent(values[i]) : ''), '');
}

/** Sends a request to the API; the parsed JSON answer, or throws ApiError. */
export async function call(method, relative, body) {
  const headers = { Accept: TYPE };
  const auth = authorization();
  if (auth) headers.Authorization = auth;
  const init = { method, headers, credentials: 'omit', cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = TYPE;
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(new URL(relative.replace(/^\//, ''), ROOT), init);
  } catch (error) {
    throw new ApiError(0, 0, `The registry did not answer (${error.message}).`);
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch (_) {
    json = null;
  }
  if (!response.ok) {
    const message = (json && json.message) || text || response.statusText;
    throw new ApiError(response.status, (json && json.error_code) || response.status, message);
  }
  return json;
}

export const get = (relative) => call('GET', relative);
export const post = (relative, body) => call('POST', relative, body);

/** GET that answers `fallback` on a 404 (e.g. a subject without a config of its own). */
export async function getOr404(relative, fallback) {
  try {
    return await get(relative);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return fallback;
    throw error;
  }
}
