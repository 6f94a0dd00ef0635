// Small DOM helpers: elements are built with textContent only (no HTML from data, ever).

/** Create an element: props set attributes, properties (value, checked) and on* listeners. */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'value' || k === 'checked' || k === 'disabled' || k === 'selected') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

let fieldCount = 0;
/** A labelled control (<label for> beside it: the name is the label's text alone, without the
 * control's value, which a wrapping label would add). */
export function field(labelText, control, cls = 'field') {
  if (!control.id) { fieldCount += 1; control.id = `f${fieldCount}`; }
  const label = h('label', { class: 'label', for: control.id, text: labelText });
  return cls === 'check' ? h('span', { class: cls }, control, label) : h('div', { class: cls }, label, control);
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

/** A table with a header row; rows are arrays of cells (strings or nodes). */
export function table(headers, rows, caption) {
  return h('table', {},
    caption ? h('caption', { text: caption }) : null,
    h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col', text: x })))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c))))));
}

export function fmtTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

export function fmtClock(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString();
}

/** "mm:ss" or "h:mm:ss" left until ``iso``; "0:00" once passed. */
export function countdown(iso, now = Date.now()) {
  let s = Math.max(0, Math.floor((new Date(iso).getTime() - now) / 1000));
  const hh = Math.floor(s / 3600); s -= hh * 3600;
  const mm = Math.floor(s / 60); const ss = s - mm * 60;
  const two = (n) => String(n).padStart(2, '0');
  return hh ? `${hh}:${two(mm)}:${two(ss)}` : `${mm}:${two(ss)}`;
}

/** An ISO time with the local offset (the API wants offsets), ``ms`` from now. */
export function isoIn(ms) {
  const d = new Date(Date.now() + ms);
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const two = (n) => String(Math.floor(Math.abs(n))).padStart(2, '0');
  const local = new Date(d.getTime() + off * 60000).toISOString().slice(0, 19);
  return `${local}${sign}${two(off / 60)}:${two(off % 60)}`;
}

let statusTimer = null;
/** Tell the operator what happened (a polite live region; errors stay until the next message). */
export function say(message, kind = 'info') {
  const el = document.getElementById('status');
  if (!el) return;
  el.textContent = message;
  el.className = `status ${kind}`;
  clearTimeout(statusTimer);
  if (kind !== 'error') statusTimer = setTimeout(() => { el.textContent = ''; }, 6000);
}

/** Bring ``list`` to ``items`` without re-creating the items still there (a half-typed reply or
 * the focus survives a refresh): nodes are keyed by ``data-key``; ``version`` re-renders one whose
 * state changed. ``empty`` is shown when there are no items. */
export function reconcile(list, items, keyOf, render, { version = () => '', empty = null } = {}) {
  const existing = new Map([...list.children].filter((n) => n.dataset.key).map((n) => [n.dataset.key, n]));
  const nodes = items.map((item) => {
    const key = String(keyOf(item));
    let node = existing.get(key);
    if (!node || node.dataset.version !== String(version(item))) {
      const fresh = render(item);
      fresh.dataset.key = key;
      fresh.dataset.version = String(version(item));
      if (node) node.replaceWith(fresh);
      node = fresh;
    }
    return node;
  });
  const keep = new Set(nodes);
  for (const child of [...list.children]) if (!keep.has(child)) child.remove();
  nodes.forEach((node, i) => { if (list.children[i] !== node) list.insertBefore(node, list.children[i] || null); });
  if (!nodes.length && empty) list.append(empty);
}

export function badge(kind, text) { return h('span', { class: `badge ${kind}`, text }); }
