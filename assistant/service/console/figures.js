// Live figures of the room, computed from the operator feed's frames over a sliding window.
import { h } from './dom.js';
import { t } from './i18n.js';

const WINDOW_MS = 10000; // danmaku/s and the shares are over the last 10 s
const LATENCIES = 1000; // reply p99 over the last 1000 replies

export class Figures {
  constructor() {
    this.messages = []; // [time, questionish, handoff]
    this.replies = []; // [time, withoutLlm]
    this.latencies = [];
  }

  /** Count a feed batch: its messages and replies. */
  add(messages, replies) {
    const now = performance.now();
    const source = new Map();
    for (const r of replies) for (const m of r.reply_to) source.set(m, r.source);
    for (const m of messages) {
      const answered = m.outcome === 'reply' || m.outcome === 'held' || m.outcome === 'joined';
      this.messages.push([now, answered, source.get(m.msg_id) === 'handoff']);
    }
    for (const r of replies) {
      if (r.ai_generated === false) continue;  // an operator's own reply: not the assistant's figures
      this.replies.push([now, r.source !== 'llm' && r.source !== 'fallback']);
      if (!r.cached) this.latencies.push(r.latency_ms);
    }
    if (this.latencies.length > LATENCIES) this.latencies.splice(0, this.latencies.length - LATENCIES);
  }

  compute() {
    const since = performance.now() - WINDOW_MS;
    const firstKept = (list) => { const i = list.findIndex((x) => x[0] >= since); return i < 0 ? list.length : i; };
    this.messages.splice(0, firstKept(this.messages));
    this.replies.splice(0, firstKept(this.replies));
    const answered = this.messages.filter((m) => m[1]).length;
    const handoffs = this.messages.filter((m) => m[2]).length;
    const noLlm = this.replies.filter((r) => r[1]).length;
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const p99 = sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] : null;
    const pct = (a, b) => (b ? `${Math.round((100 * a) / b)}%` : '—');
    return {
      rate: (this.messages.length / (WINDOW_MS / 1000)).toFixed(1),
      noLlm: pct(noLlm, this.replies.length),
      handoff: pct(handoffs, answered),
      p99: p99 === null ? '—' : `${Math.round(p99)} ms`,
    };
  }

  render(dl) {
    const f = this.compute();
    dl.replaceChildren(...[
      ['rate', t('figures.rate'), f.rate], ['nollm', t('figures.noLlm'), f.noLlm],
      ['handoff', t('figures.handoff'), f.handoff], ['p99', t('figures.p99'), f.p99],
    ].map(([key, label, value]) => h('div', { class: 'fig', 'data-figure': key }, h('dt', { text: label }), h('dd', { text: value }))));
  }
}
