// Review before sending: which reply sources wait for approval, and the held replies.
import { api, enc } from './api.js';
import { badge, field, h, reconcile, say } from './dom.js';
import { t } from './i18n.js';

const SOURCES = ['catalog', 'faq', 'llm', 'fallback', 'clarify', 'handoff'];

/** The review panel of room ``roomId``; ``productName(pid)`` names a product. */
export function reviewPanel(roomId, productName) {
  const el = {
    policy: h('div', { class: 'checks' }),
    held: h('ul', { class: 'held', 'aria-label': t('review.held') }),
  };
  async function loadPolicy() {
    const policy = await api('GET', `/v1/rooms/${enc(roomId)}/review`);
    el.policy.replaceChildren(...SOURCES.map((s) => field(t(`source.${s}`, s), h('input', {
      type: 'checkbox', name: 'hold', value: s, checked: policy.hold.includes(s), onchange: savePolicy,
    }), 'check')));
  }

  async function savePolicy() {
    const hold = [...el.policy.querySelectorAll('input:checked')].map((i) => i.value);
    try { await api('PUT', `/v1/rooms/${enc(roomId)}/review`, { hold }); say(t('review.saved')); } catch (err) { say(err.message, 'error'); }
  }

  async function loadHeld() {
    const { held } = await api('GET', `/v1/rooms/${enc(roomId)}/held`);
    reconcile(el.held, held, (e) => e.reply.reply_id, renderHeld, { empty: h('li', { class: 'empty', text: t('review.none') }) });
  }

  function renderHeld(entry) {
    const r = entry.reply;
    const text = h('textarea', { rows: 2, value: r.text });
    const problem = h('p', { class: 'problem', role: 'alert' });
    const act = async (action, body) => {
      problem.textContent = '';
      try {
        await api('POST', `/v1/rooms/${enc(roomId)}/held/${enc(r.reply_id)}/${action}`, body);
        say(t({ approve: 'review.approved', edit: 'review.edited', reject: 'review.rejected' }[action])); await loadHeld();
      } catch (err) { problem.textContent = err.message; }
    };
    return h('li', { 'data-reply-id': r.reply_id },
      h('p', { class: 'meta' }, badge(`src-${r.source}`, t(`source.${r.source}`, r.source)), ' ', r.reply_id, ' · ', productName(r.product_id)),
      h('ul', { class: 'questions' }, entry.questions.map((q) => h('li', {}, h('b', { text: q.nickname || q.msg_id }), ' ', q.text))),
      field(t('review.text'), text),
      h('div', { class: 'actions' },
        h('button', { type: 'button', text: t('review.approve'), onclick: () => act('approve') }),
        h('button', { type: 'button', text: t('review.edit'), onclick: () => act('edit', { text: text.value }) }),
        h('button', { type: 'button', class: 'danger', text: t('review.reject'), onclick: () => act('reject') })),
      problem);
  }


  const section = h('section', { class: 'panel review-panel', 'aria-labelledby': 'review-h' },
    h('h2', { id: 'review-h', text: t('review.title') }),
    h('fieldset', {}, h('legend', { text: t('review.policy') }), el.policy),
    h('h3', { text: t('review.held') }), el.held);
  return { section, loadPolicy, loadHeld };
}
