// The handoff queue: questions the assistant handed over; the operator's reply becomes an operator
// answer (PUT /v1/catalogs/{catalog_id}/faq/{faq_id}) in one click.
import { api, enc } from './api.js';
import { badge, field, fmtClock, h, reconcile, say } from './dom.js';
import { t } from './i18n.js';

/** The handoff panel of room ``roomId``; ``catalogId()`` is the room's catalog. */
export function handoffPanel(roomId, catalogId, productName) {
  const state = { faqIds: new Map() };
  const el = { handoffs: h('ul', { class: 'handoffs', 'aria-label': t('handoff.title') }) };
  async function loadHandoffs() {
    const [{ handoffs }, { faq }] = await Promise.all([
      api('GET', `/v1/rooms/${enc(roomId)}/handoffs`), api('GET', `/v1/catalogs/${enc(catalogId())}/faq`)]);
    state.faqIds = new Map(faq.map((f) => [f.faq_id, f]));
    reconcile(el.handoffs, [...handoffs].reverse().slice(0, 50), (ho) => ho.msg_id, renderHandoff, {
      version: (ho) => (state.faqIds.has(handoffFaqId(ho.msg_id)) ? 'answered' : 'open'),
      empty: h('li', { class: 'empty', text: t('handoff.none') }),
    });
  }

  function handoffFaqId(msgId) { return `handoff-${roomId}-${msgId}`.replace(/[^\p{L}\p{M}\p{N}_.-]/gu, '_').slice(0, 64); }

  function renderHandoff(ho) {
    const faqId = handoffFaqId(ho.msg_id);
    const saved = state.faqIds.get(faqId);
    const head = h('p', {}, h('time', { text: fmtClock(ho.at) }), ' ', h('b', { text: ho.nickname || ho.viewer_id }), ' ', ho.text,
      ho.product_id ? ` (${productName(ho.product_id)})` : '');
    if (saved) {
      return h('li', { 'data-msg-id': ho.msg_id, class: 'answered' }, head,
        h('p', {}, badge('ok', t('handoff.answered')), ' ', saved.answer));
    }
    const answer = h('textarea', { rows: 2 });
    const problem = h('p', { class: 'problem', role: 'alert' });
    const save = async () => {
      problem.textContent = '';
      try {
        await api('PUT', `/v1/catalogs/${enc(catalogId())}/faq/${enc(faqId)}`, {
          question: ho.text.slice(0, 200), answer: answer.value.trim(), product_id: ho.product_id,
        });
        say(t('handoff.saved')); await loadHandoffs();
      } catch (err) { problem.textContent = err.message; }
    };
    return h('li', { 'data-msg-id': ho.msg_id }, head, field(t('handoff.reply'), answer),
      h('button', { type: 'button', text: t('handoff.save'), onclick: save }), problem);
  }


  const section = h('section', { class: 'panel handoff-panel', 'aria-labelledby': 'handoff-h' },
    h('h2', { id: 'handoff-h', text: t('handoff.title') }),
    h('button', { type: 'button', text: t('refresh'), onclick: () => loadHandoffs().catch((err) => say(err.message, 'error')) }),
    el.handoffs);
  return { section, load: loadHandoffs };
}
