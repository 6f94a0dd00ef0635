// The console's entry: sign in, the language switch, and the pages by URL hash.
import { api, auth, whenUnauthorized } from './api.js';
import { field, h, say } from './dom.js';
import { applyStatic, lang, setLang, t } from './i18n.js';
import { renderCatalog } from './catalog.js';
import { renderEvals } from './evals.js';
import { renderFaq } from './faq.js';
import { renderRoom } from './room.js';
import { renderRooms } from './rooms.js';

const PAGES = { rooms: renderRooms, room: renderRoom, catalog: renderCatalog, faq: renderFaq, evals: renderEvals };
let cleanup = () => {};

function renderSignIn(main) {
  const key = h('input', { type: 'password', required: true, autocomplete: 'off', id: 'api-key' });
  const problem = h('p', { class: 'problem', role: 'alert' });
  async function submit(e) {
    e.preventDefault();
    problem.textContent = '';
    auth.set(key.value.trim());
    try {
      await api('GET', '/v1/catalogs', undefined, { quiet: true });
      say(t('signin.ok'));
      if (!location.hash || location.hash === '#/signin') location.hash = '#/rooms';
      else route();
    } catch (err) {
      auth.clear();
      problem.textContent = err.status === 401 || err.status === 403 ? t('signin.bad') : err.message;
    }
  }
  main.replaceChildren(h('section', { class: 'panel signin', 'aria-labelledby': 'signin-h' },
    h('h1', { id: 'signin-h', text: t('signin.title') }),
    h('form', { onsubmit: submit },
      field(t('signin.key'), key),
      h('p', { class: 'hint', text: t('signin.hint') }),
      h('button', { type: 'submit', text: t('signin.submit') }), problem)));
  key.focus();
  return () => {};
}

function route() {
  cleanup();
  const main = document.getElementById('main');
  const signedIn = Boolean(auth.key);
  document.getElementById('nav').hidden = !signedIn;
  document.getElementById('signout').hidden = !signedIn;
  if (!signedIn) { cleanup = renderSignIn(main); return; }
  const [, page = 'rooms', ...rest] = (location.hash || '#/rooms').split('/');
  const render = PAGES[page] || renderRooms;
  const param = rest.length ? decodeURIComponent(rest.join('/')) : '';
  for (const a of document.querySelectorAll('#nav a')) {
    const current = a.getAttribute('href') === `#/${page}` || (page === 'room' && a.getAttribute('href') === '#/rooms');
    if (current) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  cleanup = render(main, param) || (() => {});
}

function start() {
  applyStatic();
  whenUnauthorized(() => { auth.clear(); say(t('signin.expired'), 'error'); route(); });
  document.getElementById('lang').addEventListener('click', () => {
    setLang(lang() === 'zh' ? 'en' : 'zh');
    applyStatic();
    route();
  });
  document.getElementById('signout').addEventListener('click', () => { auth.clear(); location.hash = '#/signin'; route(); });
  window.addEventListener('hashchange', route);
  route();
}

start();
