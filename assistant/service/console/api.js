// The service's public API, as the console calls it: the key from sessionStorage as a bearer token.
const KEY_NAME = 'liveshop.key';

export const auth = {
  get key() { return sessionStorage.getItem(KEY_NAME) || ''; },
  set(key) { sessionStorage.setItem(KEY_NAME, key); },
  clear() { sessionStorage.removeItem(KEY_NAME); },
};

export class ApiError extends Error {
  constructor(status, body) {
    super(describe(body) || `HTTP ${status}`);
    this.status = status;
    this.body = body;
    this.problems = (body && Array.isArray(body.problems)) ? body.problems : [];
  }
}

/** The error body's detail as one line (FastAPI's validation lists included). */
export function describe(body) {
  if (!body) return '';
  const detail = typeof body === 'string' ? body : body.detail;
  if (Array.isArray(detail)) {
    return detail.map((d) => `${(d.loc || []).join('.')}: ${d.msg}`).join('; ');
  }
  return detail ? String(detail) : '';
}

let onUnauthorized = () => {};
export function whenUnauthorized(handler) { onUnauthorized = handler; }

function headers(extra = {}) {
  return { Authorization: `Bearer ${auth.key}`, ...extra };
}

async function parse(res) {
  const text = await res.text();
  if (!text) return null;
  try { return JSON.parse(text); } catch { return text; }
}

/** A JSON call; throws ApiError with the body's detail (401/403 also sign the console out,
 * unless ``quiet``: the sign-in form checks a key itself). */
export async function api(method, path, body, { quiet = false } = {}) {
  const init = { method, headers: headers() };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const data = await parse(res);
  if (!res.ok) {
    if (!quiet && (res.status === 401 || res.status === 403)) onUnauthorized();
    throw new ApiError(res.status, data);
  }
  return data;
}

/** A multipart upload with progress (fetch has no upload progress, XMLHttpRequest has). */
export function upload(path, form, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.setRequestHeader('Authorization', `Bearer ${auth.key}`);
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    });
    xhr.addEventListener('load', () => {
      let data = null;
      try { data = JSON.parse(xhr.responseText); } catch { data = xhr.responseText; }
      if (xhr.status >= 200 && xhr.status < 300) resolve(data);
      else reject(new ApiError(xhr.status, data));
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, { detail: 'network error' })));
    xhr.send(form);
  });
}

/** Save a protected file (a link cannot send the key): fetch it, then click an object URL. */
export async function download(path, filename) {
  const res = await fetch(path, { headers: headers() });
  if (!res.ok) throw new ApiError(res.status, await parse(res));
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** A room socket; browsers cannot set headers, so the key goes as the ["bearer", key] pair. */
export function socket(path) {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return new WebSocket(`${proto}//${location.host}${path}`, ['bearer', auth.key]);
}

export const enc = encodeURIComponent;
