// Operator answers of a catalog: list, edit, delete, add (used from the next danmaku on).
import { api, enc } from './api.js';
import { field, h, say } from './dom.js';
import { t } from './i18n.js';

export function renderFaq(main, catalogId) {
  const state = { catalogId: catalogId || '' };
  const picker = h('select', {});
  const list = h('ul', { class: 'faq-list', 'aria-label': t('faq.title') });
  const newId = h('input', { type: 'text', required: true, maxlength: 64 });
  const newQ = h('input', { type: 'text', required: true, maxlength: 200 });
  const newA = h('textarea', { rows: 2, required: true, maxlength: 500 });
  const newP = h('input', { type: 'text', maxlength: 64 });

  picker.addEventListener('change', () => { location.hash = `#/faq/${enc(picker.value)}`; });

  async function load() {
    const { catalogs } = await api('GET', '/v1/catalogs');
    if (!state.catalogId && catalogs.length) state.catalogId = catalogs[0].catalog_id;
    picker.replaceChildren(...catalogs.map((c) => h('option', { value: c.catalog_id, text: c.catalog_id, selected: c.catalog_id === state.catalogId })));
    if (!state.catalogId) return;
    const { faq } = await api('GET', `/v1/catalogs/${enc(state.catalogId)}/faq`);
    if (!faq.length) { list.replaceChildren(h('li', { class: 'empty', text: t('faq.none') })); return; }
    list.replaceChildren(...faq.map(renderEntry));
  }

  function renderEntry(f) {
    const answer = h('textarea', { rows: 2, value: f.answer, maxlength: 500 });
    const problem = h('p', { class: 'problem', role: 'alert' });
    const save = async () => {
      problem.textContent = '';
      try {
        await api('PUT', `/v1/catalogs/${enc(state.catalogId)}/faq/${enc(f.faq_id)}`, {
          question: f.question, answer: answer.value.trim(), product_id: f.product_id, intent: f.intent,
        });
        say(`${t('faq.saved')}: ${f.faq_id}`); await load();
      } catch (err) { problem.textContent = err.message; }
    };
    const remove = async () => {
      try { await api('DELETE', `/v1/catalogs/${enc(state.catalogId)}/faq/${enc(f.faq_id)}`); say(`${t('faq.deleted')}: ${f.faq_id}`); await load(); } catch (err) { problem.textContent = err.message; }
    };
    return h('li', { 'data-faq-id': f.faq_id },
      h('p', { class: 'meta' }, h('b', { text: f.faq_id }), f.product_id ? ` · ${f.product_id}` : '', f.intent ? ` · ${f.intent}` : '',
        ' · ', h('span', { class: 'hits', 'data-hits': String(f.hits), title: t('faq.hitsOf'), text: `${t('faq.hits')} ${f.hits}` })),
      h('p', { class: 'question', text: f.question }),
      field(`${t('faq.answer')} (${f.faq_id})`, answer),
      h('div', { class: 'actions' },
        h('button', { type: 'button', text: t('save'), 'aria-label': `${t('save')}: ${f.faq_id}`, onclick: save }),
        h('button', { type: 'button', class: 'danger', text: t('delete'), 'aria-label': `${t('delete')}: ${f.faq_id}`, onclick: remove })),
      problem);
  }

  async function add(e) {
    e.preventDefault();
    try {
      await api('PUT', `/v1/catalogs/${enc(state.catalogId)}/faq/${enc(newId.value.trim())}`, {
        question: newQ.value.trim(), answer: newA.value.trim(), product_id: newP.value.trim() || null,
      });
      say(`${t('faq.saved')}: ${newId.value}`); newId.value = ''; newQ.value = ''; newA.value = ''; newP.value = '';
      await load();
    } catch (err) { say(err.message, 'error'); }
  }

  main.replaceChildren(
    h('h1', { text: t('faq.title') }),
    h('p', { class: 'inline' }, field(t('catalog.open'), picker)),
    h('p', { class: 'hint', text: t('faq.hint') }),
    list,
    h('section', { class: 'panel', 'aria-labelledby': 'faq-new-h' },
      h('h2', { id: 'faq-new-h', text: t('faq.new') }),
      h('form', { onsubmit: add },
        field(t('faq.id'), newId), field(t('faq.question'), newQ), field(t('faq.answer'), newA), field(t('faq.product'), newP),
        h('button', { type: 'submit', text: t('save') }))));
  load().catch((err) => say(err.message, 'error'));
  return () => {};
}
