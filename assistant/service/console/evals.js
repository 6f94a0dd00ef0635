// The answer eval: start a run, follow its progress, read its report (headline figures against
// their thresholds, the gate, pass rate per tag, failing turns), cancel a running run or delete a
// finished one. One run at a time (409 otherwise). Figures and tags are shown by their label in
// the page's language (the key itself in the tooltip, and as the text when it has no label).
import { api, enc } from './api.js';
import { badge, field, fmtTime, h, say, table } from './dom.js';
import { t } from './i18n.js';

const POLL_MS = 1000;
const HEADLINE = ['cases', 'turns', 'pass_rate', 'exact_fact_accuracy', 'intent_accuracy', 'product_resolution',
  'answer_rate', 'answered_without_llm', 'wrong_amounts', 'banned_terms', 'latency_p50_ms', 'latency_p99_ms'];

const COUNTS = new Set(['cases', 'turns', 'wrong_amounts', 'banned_terms']);

/** A figure as the operator reads it: counts as whole numbers, latencies in ms, shares in %. */
function fmt(name, value) {
  if (name.endsWith('_ms')) return `${value.toFixed(1)} ms`;
  if (COUNTS.has(name)) return String(Math.round(value));
  return `${(value * 100).toFixed(1)}%`;
}

function statusBadge(status) {
  const kind = { passed: 'ok', failed: 'bad', error: 'bad', running: 'held' }[status] || 'pending';
  return badge(kind, t(`status.${status}`, status));
}

/** A metric or tag by its label (``metric.<key>`` / ``tag.<key>``), the key when it has none. */
function named(kind, key) {
  return h('span', { title: key, 'data-key': key, text: t(`${kind}.${key}`, key) });
}

const going = (r) => r.status === 'queued' || r.status === 'running';

export function renderEvals(main, runId) {
  let timer = null;
  let closed = false;
  const limit = h('input', { type: 'number', min: 1, max: 100000, step: 1, inputmode: 'numeric' });
  const startBtn = h('button', { type: 'submit', text: t('evals.start') });
  const runsBox = h('div', { class: 'eval-runs' });
  const reportBox = h('section', { class: 'panel', 'aria-labelledby': 'eval-report-h', 'aria-live': 'polite' });

  async function start(e) {
    e.preventDefault();
    const body = limit.value ? { limit: Number(limit.value) } : {};
    try {
      const run = await api('POST', '/v1/evals/answers/runs', body);
      say(`${t('evals.started')}: ${run.run_id}`);
      location.hash = `#/evals/${enc(run.run_id)}`;
    } catch (err) { say(err.status === 409 ? `${t('evals.busy')}: ${err.message}` : err.message, 'error'); }
  }

  function progressOf(run) {
    if (!run.progress) return h('span', { text: '—' });
    const { done, total } = run.progress;
    return h('span', {}, h('progress', { max: total || 1, value: done, 'aria-label': `${t('evals.progress')} ${run.run_id}` }), ` ${done}/${total}`);
  }

  /** Cancel a running run (it is kept, cancelled) or delete a finished one (gone). */
  async function remove(run) {
    try {
      const { action } = await api('DELETE', `/v1/evals/answers/runs/${enc(run.run_id)}`);
      say(`${t(action === 'cancelled' ? 'evals.cancelled' : 'evals.deleted')}: ${run.run_id}`);
      if (action === 'deleted' && runId === run.run_id) { location.hash = '#/evals'; return; }
    } catch (err) { say(err.message, 'error'); }
    reload();
  }

  function actionsOf(r) {
    const text = going(r) ? t('evals.cancel') : t('delete');
    return h('span', { class: 'actions' },
      h('a', { href: `#/evals/${enc(r.run_id)}`, text: t('evals.view'), 'aria-label': `${t('evals.view')}: ${r.run_id}` }), ' ',
      h('button', { type: 'button', class: 'danger', text, 'aria-label': `${text}: ${r.run_id}`, onclick: (e) => { e.currentTarget.disabled = true; remove(r); } }));
  }

  function renderRuns(runs) {
    if (!runs.length) { runsBox.replaceChildren(h('p', { class: 'empty', text: t('evals.none') })); return; }
    runsBox.replaceChildren(table(
      [t('evals.run'), t('evals.status'), t('evals.progress'), t('evals.limit'), t('evals.started_at'), t('evals.actions')],
      runs.map((r) => [
        h('code', { text: r.run_id }), statusBadge(r.status), progressOf(r), r.limit === null ? '—' : String(r.limit),
        fmtTime(r.created_at), actionsOf(r),
      ]), t('evals.runs')));
  }

  function renderReport(run) {
    const head = h('h2', { id: 'eval-report-h' }, `${t('evals.report')} `, h('code', { text: run.run_id }), ' ', statusBadge(run.status));
    const parts = [head, h('p', {}, progressOf(run))];
    if (run.error) parts.push(h('p', { class: 'problem', role: 'alert', text: `${t('evals.error')}: ${run.error}` }));
    const rep = run.report;
    if (rep) {
      const gate = (name) => {
        const th = rep.thresholds[name];
        if (!th) return '';
        const v = rep.metrics[name];
        const ok = th.how === 'min' ? v >= th.limit : v <= th.limit;
        return `${th.how === 'min' ? '≥' : '≤'} ${fmt(name, th.limit)} ${ok ? '✓' : '✗'}`;
      };
      const names = HEADLINE.filter((n) => n in rep.metrics);
      parts.push(h('div', { class: 'eval-headline' },
        table([t('evals.metric'), t('evals.value'), ''], names.map((n) => [named('metric', n), fmt(n, rep.metrics[n]), gate(n)]), t('evals.headline'))));
      const tags = Object.entries(rep.tags).sort((a, b) => a[1].pass_rate - b[1].pass_rate);
      parts.push(h('div', { class: 'eval-tags' },
        table([t('evals.category'), t('evals.n'), t('evals.passRate')],
          tags.map(([tag, v]) => [named('tag', tag), String(v.turns), h('span', {}, h('meter', { min: 0, max: 1, value: v.pass_rate, 'aria-label': `${t('evals.passRate')}: ${t(`tag.${tag}`, tag)}` }), ` ${fmt('rate', v.pass_rate)}`)]),
          t('evals.category'))));
      if (rep.gate_failures.length) parts.push(h('ul', { class: 'problem' }, rep.gate_failures.map((f) => h('li', { text: f }))));
    }
    reportBox.replaceChildren(...parts);
  }

  async function refresh() {
    timer = null;
    try {
      const { runs } = await api('GET', '/v1/evals/answers/runs');
      if (closed) return;
      renderRuns(runs);
      const id = runId || (runs[0] && runs[0].run_id);
      let busy = runs.some(going);
      if (id) {
        const run = await api('GET', `/v1/evals/answers/runs/${enc(id)}`);
        if (closed) return;
        renderReport(run);
        busy = busy || going(run);
      } else reportBox.replaceChildren();
      startBtn.disabled = busy;
      if (timer) clearTimeout(timer); // a reload while this one was reading
      timer = busy ? setTimeout(refresh, POLL_MS) : null;
    } catch (err) { say(err.message, 'error'); }
  }

  function reload() {
    if (timer) { clearTimeout(timer); timer = null; }
    refresh();
  }

  main.replaceChildren(
    h('h1', { text: t('evals.title') }),
    h('p', { class: 'hint', text: t('evals.hint') }),
    h('form', { class: 'inline', onsubmit: start }, field(t('evals.limit'), limit), startBtn),
    h('section', { class: 'panel', 'aria-labelledby': 'eval-runs-h' }, h('h2', { id: 'eval-runs-h', text: t('evals.runs') }), runsBox),
    reportBox);
  refresh();
  return () => { closed = true; if (timer) clearTimeout(timer); };
}
