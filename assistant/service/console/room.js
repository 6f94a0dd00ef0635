// The live room: danmaku feed with outcomes, replies, stage, promotions, review, handoffs, captions.
import { api, enc, socket } from './api.js';
import { badge, countdown, field, fmtClock, h, isoIn, say } from './dom.js';
import { t } from './i18n.js';
import { Figures } from './figures.js';
import { handoffPanel } from './room-handoffs.js';
import { reviewPanel } from './room-review.js';

const MAX_FEED = 400; // danmaku kept on screen (older ones are removed)
const MAX_REPLIES = 200;
const MAX_CAPTIONS = 100;

/** A list that renders appended items once per animation frame, newest first, bounded. */
class BoundedList {
  constructor(el, max, render) {
    this.el = el; this.max = max; this.render = render; this.pending = []; this.scheduled = false;
  }

  push(items) {
    this.pending.push(...items);
    if (this.pending.length > this.max) this.pending.splice(0, this.pending.length - this.max);
    if (!this.scheduled) {
      this.scheduled = true;
      requestAnimationFrame(() => this.flush());
    }
  }

  flush() {
    this.scheduled = false;
    const items = this.pending; this.pending = [];
    const frag = document.createDocumentFragment();
    for (let i = items.length - 1; i >= 0; i -= 1) frag.append(this.render(items[i]));
    this.el.prepend(frag);
    while (this.el.childElementCount > this.max) this.el.lastElementChild.remove();
  }
}

function outcomeBadge(m) {
  if (m.outcome === 'reply') return badge('ok', `${t('outcome.reply')} ${m.reply_id}`);
  if (m.outcome === 'held') return badge('held', `${t('outcome.held')} ${m.reply_id}`);
  if (m.outcome === 'rejected') return badge('ignored', `${t('outcome.rejected')} ${m.reply_id}`);
  if (m.outcome === 'joined') return badge('joined', `${t('outcome.joined')} ${m.reply_id}`);
  if (m.outcome === 'ignored') return badge('ignored', `${t('outcome.ignored')}: ${t(`reason.${m.reason}`, m.reason)}`);
  return badge('pending', t('outcome.pending'));
}

export function renderRoom(main, roomId) {
  const state = { room: null, products: [], closed: false, sockets: [], timers: [], open: 0 };
  const figures = new Figures();
  const el = {
    title: h('h1', { text: `${t('room.title')} ${roomId}` }),
    conn: h('span', { class: 'conn', role: 'status', text: t('conn.connecting') }),
    figs: h('dl', { class: 'figures', 'aria-label': t('figures.title') }),
    feed: h('ol', { class: 'feed', role: 'log', 'aria-label': t('feed.title'), 'aria-live': 'off' }),
    replies: h('ol', { class: 'replies', 'aria-label': t('replies.title') }),
    products: h('tbody'),
    timeline: h('ol', { class: 'timeline', 'aria-label': t('stage.timeline') }),
    promos: h('ul', { class: 'promos', 'aria-label': t('promo.list') }),
    captions: h('ol', { class: 'captions', role: 'log', 'aria-label': t('captions.title') }),
    partial: h('p', { class: 'partial', 'aria-live': 'off' }),
  };
  const feedList = new BoundedList(el.feed, MAX_FEED, renderMessage);
  const replyList = new BoundedList(el.replies, MAX_REPLIES, renderReply);
  const captionList = new BoundedList(el.captions, MAX_CAPTIONS, renderCaption);
  const productName = (pid) => state.products.find((p) => p.product_id === pid)?.name || pid || '—';
  const review = reviewPanel(roomId, productName);
  const handoffs = handoffPanel(roomId, () => state.room.catalog_id, productName);

  function renderMessage(m) {
    return h('li', { 'data-msg-id': m.msg_id, class: `msg ${m.outcome}` },
      h('time', { text: fmtClock(m.ts) }), ' ',
      h('b', { text: m.nickname || m.viewer_id }), ' ',
      h('span', { class: 'text', text: m.text }), ' ', outcomeBadge(m));
  }

  function renderReply(r) {
    return h('li', { 'data-reply-id': r.reply_id, class: r.held ? 'reply held' : 'reply' },
      h('p', { class: 'text', text: r.text }),
      h('p', { class: 'meta' },
        badge(`src-${r.source}`, t(`source.${r.source}`, r.source)), ' ',
        `${t('reply.intent')}: ${r.intent}`, ' · ',
        `${t('reply.product')}: ${productName(r.product_id)}`, ' · ',
        `${t('reply.latency')}: ${Math.round(r.latency_ms)} ms`, ' · ',
        `${r.reply_id} → ${r.reply_to.join(', ')}`,
        r.held ? [' ', badge('held', t('outcome.held'))] : null));
  }

  function renderCaption(c) {
    return h('li', {}, h('time', { text: `${Number(c.start).toFixed(1)}s` }), ' ',
      h('b', { text: `${c.speaker || t('captions.unknown')}:` }), ' ', c.text);
  }

  // -- sockets ------------------------------------------------------------------------------
  function showConn() {
    const live = state.open >= 2; // the feed and the room socket
    el.conn.textContent = live ? t('conn.live') : t('conn.connecting');
    el.conn.className = live ? 'conn live' : 'conn';
    el.conn.dataset.state = live ? 'live' : 'connecting';
  }

  function connect(path, onFrame) {
    let delay = 500;
    const open = () => {
      if (state.closed) return;
      const ws = socket(path);
      state.sockets.push(ws);
      let opened = false;
      ws.addEventListener('open', () => { delay = 500; opened = true; state.open += 1; showConn(); });
      ws.addEventListener('message', (e) => { try { onFrame(JSON.parse(e.data)); } catch (err) { console.error(err); } });
      ws.addEventListener('close', (e) => {
        state.sockets = state.sockets.filter((s) => s !== ws);
        if (state.closed) return;
        if (opened) state.open -= 1;
        el.conn.textContent = `${t('conn.closed')} (${e.code}${e.reason ? ` ${e.reason}` : ''})`;
        el.conn.className = 'conn down';
        if (e.code === 4401 || e.code === 4404) return;
        setTimeout(open, delay); delay = Math.min(delay * 2, 10000);
      });
    };
    open();
  }

  let refreshHeldSoon = null; let refreshHandoffsSoon = null;
  const debounce = (fn) => { let timer = null; return () => { clearTimeout(timer); timer = setTimeout(fn, 300); }; };

  function onFeed(frame) {
    if (frame.type === 'feed') {
      feedList.push(frame.messages);
      replyList.push(frame.replies);
      figures.add(frame.messages, frame.replies);
      if (frame.replies.some((r) => r.held)) refreshHeldSoon();
      if (frame.replies.some((r) => r.source === 'handoff')) refreshHandoffsSoon();
    } else if (frame.type === 'review') {
      const outcome = frame.action === 'approved' ? 'reply' : 'rejected';
      for (const msgId of frame.reply.reply_to) {
        const old = el.feed.querySelector(`[data-msg-id="${CSS.escape(msgId)}"] .badge`);
        if (old) old.replaceWith(outcomeBadge({ outcome, reply_id: frame.reply.reply_id }));
      }
      const item = el.replies.querySelector(`[data-reply-id="${CSS.escape(frame.reply.reply_id)}"]`);
      if (item) item.replaceWith(renderReply({ ...frame.reply, held: false }));
      if (item && frame.action === 'rejected') {
        el.replies.querySelector(`[data-reply-id="${CSS.escape(frame.reply.reply_id)}"]`)?.classList.add('rejected');
      }
      refreshHeldSoon();
    }
  }

  function onRoom(frame) {
    if (frame.type === 'caption') {
      if (frame.kind === 'final') {
        el.partial.textContent = '';
        captionList.push([frame]);
      } else {
        el.partial.textContent = `${frame.speaker || t('captions.unknown')}: ${frame.text}`;
      }
    } else if (frame.type === 'stage') {
      loadRoom();
    }
  }

  // -- loading ------------------------------------------------------------------------------
  async function loadRoom() {
    const [room, products] = await Promise.all([
      api('GET', `/v1/rooms/${enc(roomId)}`), api('GET', `/v1/rooms/${enc(roomId)}/products`)]);
    state.room = room; state.products = products.products;
    renderStage(); renderTimeline(); renderPromos();
  }

  function priceNow(p) {
    const prices = p.skus.map((s) => Number(s.price_after_coupon));
    if (!prices.length) return '—';
    const lo = Math.min(...prices); const hi = Math.max(...prices);
    return lo === hi ? `¥${lo.toFixed(2)}` : `¥${lo.toFixed(2)}–${hi.toFixed(2)}`;
  }

  function renderStage() {
    const onStage = state.room.on_stage;
    el.products.replaceChildren(...state.products.map((p) => h('tr', { class: p.product_id === onStage ? 'on-stage' : '', 'data-product-id': p.product_id },
      h('td', { text: p.link_no ?? '' }),
      h('td', {}, p.name, p.skus.some((s) => s.flash_sale_id) ? [' ', badge('flash', t('promo.flash'))] : null),
      h('td', { class: 'num', text: priceNow(p) }),
      h('td', {}, p.product_id === onStage
        ? badge('ok', t('stage.now'))
        : h('button', { type: 'button', 'aria-label': `${t('stage.put')}: ${p.name}`, text: t('stage.put'), onclick: () => putStage(p.product_id) })))));
    const chosen = promoProduct.value; // keep the operator's choice across refreshes
    promoProduct.replaceChildren(...state.products.map((p) => h('option', { value: p.product_id, text: `${p.link_no ?? ''} ${p.name}`, selected: p.product_id === chosen })));
  }

  function renderTimeline() {
    const entries = [...state.room.stage].reverse();
    el.timeline.replaceChildren(...entries.map((e) => h('li', {}, h('time', { text: fmtClock(e.start) }), ' ', e.product_id ? productName(e.product_id) : t('stage.cleared'))));
  }

  function renderPromos() {
    const promos = state.room.promotions;
    if (!promos.length) { el.promos.replaceChildren(h('li', { class: 'empty', text: t('promo.none') })); return; }
    el.promos.replaceChildren(...promos.map((p) => h('li', { 'data-promo-id': p.promo_id },
      badge(p.type === 'flash_sale' ? 'flash' : 'coupon', t(`promo.${p.type}`, p.type)), ' ',
      h('b', { text: p.title || p.promo_id }), ' ',
      p.type === 'flash_sale' ? `${productName(p.product_id)} ¥${p.price}` : `-¥${p.amount ?? ''}${p.threshold && Number(p.threshold) > 0 ? ` (${t('promo.threshold')} ¥${p.threshold})` : ''}`,
      ' · ', `${t('promo.ends')} ${fmtClock(p.end)}`, ' · ',
      new Date(p.end).getTime() <= Date.now()
        ? h('span', { class: 'countdown over', 'data-end': p.end, text: t('promo.over') })
        : h('span', { class: 'countdown', 'data-end': p.end, 'aria-label': t('promo.left'), text: countdown(p.end) }), ' ',
      h('button', { type: 'button', 'aria-label': `${t('promo.end')}: ${p.title || p.promo_id}`, text: t('promo.end'), onclick: () => endPromo(p.promo_id) }))));
  }

  // -- actions ------------------------------------------------------------------------------
  async function putStage(productId) {
    try {
      await api('PUT', `/v1/rooms/${enc(roomId)}/stage`, { product_id: productId });
      say(productId ? `${t('stage.done')}: ${productName(productId)}` : t('stage.cleared'));
      await loadRoom();
    } catch (err) { say(err.message, 'error'); }
  }

  const promoType = h('select', {}, h('option', { value: 'flash_sale', text: t('promo.flash_sale') }), h('option', { value: 'coupon', text: t('promo.coupon') }));
  const promoProduct = h('select', {});
  const promoTitle = h('input', { type: 'text', maxlength: 200 });
  const promoPrice = h('input', { type: 'text', inputmode: 'decimal', placeholder: '99.00' });
  const promoThreshold = h('input', { type: 'text', inputmode: 'decimal', placeholder: '0' });
  const promoMinutes = h('input', { type: 'number', min: 1, max: 1440, value: '10' });
  const priceLabel = field(t('promo.price'), promoPrice);
  const thresholdLabel = field(t('promo.threshold'), promoThreshold);
  thresholdLabel.hidden = true;
  promoType.addEventListener('change', () => {
    const flash = promoType.value === 'flash_sale';
    priceLabel.querySelector('.label').textContent = flash ? t('promo.price') : t('promo.amount');
    thresholdLabel.hidden = flash;
  });

  async function startPromo(e) {
    e.preventDefault();
    const type = promoType.value;
    const minutes = Number(promoMinutes.value) || 10;
    const promoId = `${type === 'flash_sale' ? 'flash' : 'coupon'}-${Date.now().toString(36)}`;
    const body = { type, title: promoTitle.value.trim(), start: isoIn(-2000), end: isoIn(minutes * 60000) };
    if (type === 'flash_sale') Object.assign(body, { product_id: promoProduct.value, price: promoPrice.value.trim() });
    else Object.assign(body, { amount: promoPrice.value.trim(), threshold: promoThreshold.value.trim() || '0', product_ids: [promoProduct.value] });
    try {
      await api('PUT', `/v1/rooms/${enc(roomId)}/promotions/${enc(promoId)}`, body);
      say(t('promo.started')); await loadRoom();
    } catch (err) { say(err.message, 'error'); }
  }

  async function endPromo(promoId) {
    try { await api('DELETE', `/v1/rooms/${enc(roomId)}/promotions/${enc(promoId)}`); say(t('promo.ended')); await loadRoom(); } catch (err) { say(err.message, 'error'); }
  }

  const testNick = h('input', { type: 'text', value: t('test.nick'), maxlength: 64 });
  const testText = h('input', { type: 'text', maxlength: 500 });
  async function sendTest(e) {
    e.preventDefault();
    if (!testText.value.trim()) return;
    const msg = { msg_id: `console-${Date.now().toString(36)}`, viewer_id: 'console', nickname: testNick.value, text: testText.value };
    try { await api('POST', `/v1/rooms/${enc(roomId)}/danmaku`, { messages: [msg] }); testText.value = ''; } catch (err) { say(err.message, 'error'); }
  }

  // -- layout -------------------------------------------------------------------------------
  main.replaceChildren(h('div', { class: 'room' },
    h('div', { class: 'room-head' }, el.title, el.conn, el.figs),
    h('div', { class: 'col' }, h('section', { class: 'panel feed-panel', 'aria-labelledby': 'feed-h' },
      h('h2', { id: 'feed-h', text: t('feed.title') }), el.feed,
      h('form', { class: 'inline', onsubmit: sendTest, 'aria-label': t('test.title') },
        field(t('test.nickname'), testNick), field(t('test.text'), testText),
        h('button', { type: 'submit', text: t('test.send') }))),
    h('section', { class: 'panel captions-panel', 'aria-labelledby': 'captions-h' },
      h('h2', { id: 'captions-h', text: t('captions.title') }), el.partial, el.captions)),
    h('div', { class: 'col' }, h('section', { class: 'panel replies-panel', 'aria-labelledby': 'replies-h' },
      h('h2', { id: 'replies-h', text: t('replies.title') }), el.replies),
    review.section, handoffs.section),
    h('div', { class: 'col' }, h('section', { class: 'panel stage-panel', 'aria-labelledby': 'stage-h' },
      h('h2', { id: 'stage-h', text: t('stage.title') }),
      h('div', { class: 'scroll' }, h('table', {}, h('thead', {}, h('tr', {}, [t('stage.link'), t('stage.name'), t('stage.price'), ''].map((x) => h('th', { scope: 'col', text: x })))), el.products)),
      h('button', { type: 'button', text: t('stage.clear'), onclick: () => putStage(null) }),
      h('h3', { text: t('stage.timeline') }), el.timeline),
    h('section', { class: 'panel promo-panel', 'aria-labelledby': 'promo-h' },
      h('h2', { id: 'promo-h', text: t('promo.title') }),
      h('form', { onsubmit: startPromo, 'aria-label': t('promo.title') },
        field(t('promo.type'), promoType), field(t('promo.product'), promoProduct), field(t('promo.name'), promoTitle),
        priceLabel, thresholdLabel, field(t('promo.minutes'), promoMinutes),
        h('button', { type: 'submit', text: t('promo.start') })),
      el.promos))));

  refreshHeldSoon = debounce(() => review.loadHeld().catch(() => {}));
  refreshHandoffsSoon = debounce(() => handoffs.load().catch(() => {}));
  state.timers.push(setInterval(() => {
    figures.render(el.figs);
    let ended = false;
    for (const c of el.promos.querySelectorAll('.countdown:not(.over)')) {
      if (new Date(c.dataset.end).getTime() <= Date.now()) ended = true;
      else c.textContent = countdown(c.dataset.end);
    }
    if (ended) loadRoom().catch(() => {}); // prices change when a promotion ends
  }, 1000));
  figures.render(el.figs);

  loadRoom().then(async () => {
    await Promise.all([review.loadPolicy(), review.loadHeld(), handoffs.load()]);
    connect(`/v1/rooms/${enc(roomId)}/feed`, onFeed);
    connect(`/v1/rooms/${enc(roomId)}/ws`, onRoom);
  }).catch((err) => say(err.message, 'error'));

  return () => {
    state.closed = true;
    for (const ws of state.sockets) ws.close(1000);
    for (const timer of state.timers) clearInterval(timer);
  };
}
