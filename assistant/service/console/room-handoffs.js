// The handoff queue: questions the assistant handed over, one line per question (every viewer who
// asked it counted), purchase-blocking first, then oldest. The operator's reply goes to every viewer
// of the line at once (POST /v1/rooms/{room_id}/handoffs/reply: one reply addressed to them, in the
// room and its feed), the line leaves the queue, and the text is saved as an operator answer for
// every later asker. A refused text (banned term, amount not in the catalog) is named under the box.
import { api, enc } from './api.js';
import { badge, field, fmtClock, h, reconcile, say } from './dom.js';
import { t } from './i18n.js';

const MAX_SENT_SHOWN = 10; // answered lines kept under the queue, newest first, until reload

/** The handoff panel of room ``roomId``; ``catalogId()`` is the room's catalog. */
export function handoffPanel(roomId, catalogId, productName) {
  const state = { faqIds: new Map(), sent: [] }; // sent: [{ g, answer }], newest first
  const el = { handoffs: h('ul', { class: 'handoffs', 'aria-label': t('handoff.title') }) };
  async function loadHandoffs() {
    const [{ groups }, { faq }] = await Promise.all([
      api('GET', `/v1/rooms/${enc(roomId)}/handoffs`), api('GET', `/v1/catalogs/${enc(catalogId())}/faq`)]);
    state.faqIds = new Map(faq.map((f) => [f.faq_id, f]));
    const open = new Set(groups.map((g) => g.question_key));
    const items = [
      ...groups.slice(0, 50).map((g) => ({ key: `q:${g.question_key}`, g })),
      ...state.sent.filter((s) => !open.has(s.g.question_key)).map((s) => ({ key: `sent:${s.g.msg_ids[0]}`, ...s })),
    ];
    reconcile(el.handoffs, items, (item) => item.key, renderItem, {
      version: (item) => (item.answer !== undefined ? 'sent' : `open:${item.g.count}`),
      empty: h('li', { class: 'empty', text: t('handoff.none') }),
    });
  }

  function handoffFaqId(msgId) { return `handoff-${roomId}-${msgId}`.replace(/[^\p{L}\p{M}\p{N}_.-]/gu, '_').slice(0, 64); }

  // A group is named by its first message (the operator answer's id: handoff-<room>-<msg_id>).
  function renderItem({ g, answer }) {
    const head = h('p', {}, h('time', { text: fmtClock(g.first_at) }), ' ', g.count > 1 ? h('b', { text: `×${g.count}` }) : '',
      g.count > 1 ? ' ' : '', g.text, g.product_id ? ` (${productName(g.product_id)})` : '');
    const attrs = { 'data-msg-id': g.msg_ids[0], 'data-rank': String(g.rank), 'data-count': String(g.count) };
    if (answer !== undefined) {
      return h('li', { ...attrs, class: 'answered' }, head, h('p', {}, badge('ok', t('handoff.answered')), ' ', answer));
    }
    // An answer saved earlier for this line (e.g. by another operator) is offered as the reply.
    const saved = state.faqIds.get(handoffFaqId(g.msg_ids[0]));
    const text = h('textarea', { rows: 2, value: saved ? saved.answer : '', 'aria-keyshortcuts': 'Control+Enter' });
    const problem = h('p', { class: 'problem', role: 'alert' });
    const send = h('button', { type: 'button', text: t('handoff.save') });
    const reply = async () => {
      if (send.disabled) return;
      problem.textContent = '';
      send.disabled = true;
      try {
        const done = await api('POST', `/v1/rooms/${enc(roomId)}/handoffs/reply`, {
          msg_ids: g.msg_ids, text: text.value, save_as_answer: true,
        });
        state.sent = [{ g, answer: done.answer ? done.answer.answer : text.value.trim() }, ...state.sent].slice(0, MAX_SENT_SHOWN);
        say(t('handoff.saved')); await loadHandoffs();
      } catch (err) {
        problem.textContent = err.message; send.disabled = false;
        if (err.status === 404) { say(err.message, 'error'); await loadHandoffs().catch(() => {}); } // answered elsewhere
      }
    };
    send.addEventListener('click', reply);
    text.addEventListener('keydown', (e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); reply(); } });
    return h('li', attrs, head, field(t('handoff.reply'), text), send, problem);
  }

  const section = h('section', { class: 'panel handoff-panel', 'aria-labelledby': 'handoff-h' },
    h('h2', { id: 'handoff-h', text: t('handoff.title') }),
    h('button', { type: 'button', text: t('refresh'), onclick: () => loadHandoffs().catch((err) => say(err.message, 'error')) }),
    el.handoffs);
  return { section, load: loadHandoffs };
}
