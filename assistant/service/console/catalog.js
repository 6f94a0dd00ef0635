// Catalog: upload (drag and drop, progress, the problem table of a rejected file), templates,
// products with effective prices now (edit price and stock), version history.
import { api, download, enc, upload } from './api.js';
import { clear, field, fmtTime, h, say, table } from './dom.js';
import { t } from './i18n.js';

const PAGE = 50;
const TEMPLATES = ['catalog_template.xlsx', 'catalog_example.json', 'catalog.schema.json', 'products.csv',
  'promotions.csv', 'faq.csv', 'shipping.csv', 'after_sales.csv', 'settings.csv'];

export function renderCatalog(main, catalogId) {
  const state = { catalogId: catalogId || '', offset: 0 };
  const picker = h('select', {});
  const target = h('input', { type: 'text', required: true, maxlength: 64, value: state.catalogId });
  const mode = h('select', {}, h('option', { value: 'upsert', text: t('catalog.upsert') }), h('option', { value: 'replace', text: t('catalog.replace') }));
  const fileInput = h('input', { type: 'file', multiple: true, accept: '.csv,.xlsx,.json,.jsonl,.zip' });
  const progress = h('progress', { max: 1, value: 0, 'aria-label': t('catalog.progress') });
  const result = h('div', { class: 'upload-result', 'aria-live': 'polite' });
  const products = h('div', { class: 'products' });
  const versions = h('div', { class: 'versions' });
  const drop = h('div', { class: 'drop', tabindex: 0, role: 'button', 'aria-label': t('catalog.drop') },
    h('p', { text: t('catalog.drop') }));
  progress.hidden = true;

  drop.addEventListener('click', () => fileInput.click());
  drop.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); fileInput.click(); } });
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault(); drop.classList.remove('over');
    if (e.dataTransfer && e.dataTransfer.files.length) send([...e.dataTransfer.files]);
  });
  fileInput.addEventListener('change', () => { if (fileInput.files.length) send([...fileInput.files]); fileInput.value = ''; });

  async function send(files) {
    const id = target.value.trim();
    if (!id) { say(t('catalog.needId'), 'error'); target.focus(); return; }
    const form = new FormData();
    for (const f of files) form.append('file', f, f.name);
    form.append('mode', mode.value);
    clear(result); progress.hidden = false; progress.value = 0;
    result.append(h('p', { text: `${t('catalog.uploading')} ${files.map((f) => f.name).join(', ')}` }));
    try {
      const report = await upload(`/v1/catalogs/${enc(id)}/imports`, form, (x) => { progress.value = x; });
      progress.value = 1;
      const s = report.summary || {};
      result.replaceChildren(h('p', { class: 'ok', role: 'status' },
        `${t('catalog.imported')} ${report.catalog_id} v${report.version}: ${report.rows} ${t('catalog.rows')}`,
        ` (+${s.added ?? 0} ~${s.updated ?? 0} -${s.removed ?? 0})`),
      h('ul', { class: 'warnings' }, report.warnings.map((w) => h('li', { text: w }))));
      say(t('catalog.imported'));
      if (state.catalogId !== report.catalog_id) {
        state.catalogId = report.catalog_id; state.offset = 0;
        history.replaceState(null, '', `#/catalog/${enc(report.catalog_id)}`); // no re-render: the report stays
      }
      await Promise.all([loadList(), loadCatalog()]);
    } catch (err) {
      progress.hidden = true;
      result.replaceChildren(h('p', { class: 'error', role: 'alert', text: `${t('catalog.rejected')} (${err.status}): ${err.message}` }));
      if (err.problems.length) {
        result.append(table([t('problem.sheet'), t('problem.row'), t('problem.column'), t('problem.message')],
          err.problems.map((p) => [p.sheet ?? '', p.row ?? '', p.column ?? '', p.message]), t('catalog.problems')));
        result.querySelector('table').classList.add('problems');
      }
    }
  }

  async function loadList() {
    const { catalogs } = await api('GET', '/v1/catalogs');
    picker.replaceChildren(h('option', { value: '', text: t('catalog.pick') }),
      ...catalogs.map((c) => h('option', { value: c.catalog_id, text: `${c.catalog_id} (v${c.version}, ${c.products})`, selected: c.catalog_id === state.catalogId })));
  }
  picker.addEventListener('change', () => { if (picker.value) location.hash = `#/catalog/${enc(picker.value)}`; });

  async function loadCatalog() {
    if (!state.catalogId) { products.replaceChildren(); versions.replaceChildren(); return; }
    const page = await api('GET', `/v1/catalogs/${enc(state.catalogId)}/products?limit=${PAGE}&offset=${state.offset}`);
    const details = await inBatches(page.products, 6, (p) => api('GET', `/v1/catalogs/${enc(state.catalogId)}/products/${enc(p.product_id)}`));
    products.replaceChildren(h('h2', { text: `${t('catalog.products')} (${page.total})` }), productTable(details));
    const pages = pager(page.total);
    if (pages) products.append(pages);
    const { versions: vs } = await api('GET', `/v1/catalogs/${enc(state.catalogId)}/versions`);
    versions.replaceChildren(h('h2', { text: t('catalog.versions') }), table(
      [t('version.no'), t('version.at'), t('version.mode'), t('version.source'), t('version.summary')],
      [...vs].reverse().map((v) => [`v${v.version}`, fmtTime(v.created_at), v.mode, v.source, summaryText(v.summary)])));
  }

  function summaryText(summary) {
    if (!summary || typeof summary !== 'object') return String(summary ?? '');
    return Object.entries(summary).filter(([, v]) => typeof v === 'number' || typeof v === 'boolean')
      .map(([k, v]) => `${k}: ${v}`).join(', ');
  }

  function productTable(details) {
    const rows = [];
    for (const d of details) {
      const p = d.product; const facts = new Map(d.facts.map((f) => [f.sku_id, f]));
      const inputs = [];
      p.skus.forEach((sku, i) => {
        const f = facts.get(sku.sku_id) || {};
        const price = h('input', { type: 'text', inputmode: 'decimal', size: 8, value: sku.price, 'aria-label': `${t('catalog.basePrice')} ${sku.sku_id}` });
        const stock = h('input', { type: 'number', min: 0, size: 5, value: String(sku.stock), 'aria-label': `${t('catalog.stock')} ${sku.sku_id}` });
        inputs.push({ sku, price, stock });
        const save = i === 0 ? h('button', { type: 'button', text: t('save'), 'aria-label': `${t('save')}: ${p.name}`, onclick: () => patch(p, inputs) }) : '';
        rows.push(h('tr', { 'data-sku-id': sku.sku_id },
          h('td', { text: i === 0 ? p.product_id : '' }), h('td', { text: i === 0 ? (p.link_no ?? '') : '' }),
          h('td', { text: i === 0 ? p.name : '' }), h('td', { text: `${sku.sku_id} ${sku.spec || ''}` }),
          h('td', {}, price), h('td', { class: 'num effective', text: f.price_after_coupon ? `¥${f.price_after_coupon}${f.flash_sale ? ` ⚡${t('promo.flash')}` : ''}` : '' }),
          h('td', {}, stock), h('td', {}, save)));
      });
    }
    return h('table', { class: 'product-table' },
      h('thead', {}, h('tr', {}, [t('catalog.pid'), t('stage.link'), t('stage.name'), t('catalog.sku'), t('catalog.basePrice'), t('catalog.effective'), t('catalog.stock'), ''].map((x) => h('th', { scope: 'col', text: x })))),
      h('tbody', {}, rows));
  }

  async function patch(p, inputs) {
    const prices = {}; const stock = {};
    for (const { sku, price, stock: st } of inputs) {
      if (price.value.trim() !== sku.price) prices[sku.sku_id] = price.value.trim();
      if (Number(st.value) !== sku.stock) stock[sku.sku_id] = Number(st.value);
    }
    if (!Object.keys(prices).length && !Object.keys(stock).length) { say(t('catalog.nochange')); return; }
    try {
      await api('PATCH', `/v1/catalogs/${enc(state.catalogId)}/products/${enc(p.product_id)}`, { prices, stock });
      say(`${t('catalog.patched')}: ${p.name}`); await loadCatalog();
    } catch (err) { say(err.message, 'error'); }
  }

  function pager(total) {
    if (total <= PAGE) return null;
    const go = (delta) => { state.offset = Math.max(0, state.offset + delta); loadCatalog().catch((err) => say(err.message, 'error')); };
    return h('p', { class: 'pager' },
      h('button', { type: 'button', text: t('prev'), disabled: state.offset === 0, onclick: () => go(-PAGE) }), ' ',
      `${state.offset + 1}–${Math.min(total, state.offset + PAGE)} / ${total}`, ' ',
      h('button', { type: 'button', text: t('next'), disabled: state.offset + PAGE >= total, onclick: () => go(PAGE) }));
  }

  main.replaceChildren(
    h('h1', { text: t('catalog.title') }),
    h('p', { class: 'inline' }, field(t('catalog.open'), picker)),
    h('section', { class: 'panel', 'aria-labelledby': 'upload-h' },
      h('h2', { id: 'upload-h', text: t('catalog.upload') }),
      h('div', { class: 'inline' }, field(t('catalog.target'), target), field(t('catalog.mode'), mode), field(t('catalog.file'), fileInput)),
      drop, progress, result,
      h('h3', { text: t('catalog.templates') }),
      h('p', { class: 'templates' }, TEMPLATES.map((name) => [h('button', {
        type: 'button', class: 'link', 'aria-label': `${t('catalog.download')} ${name}`, text: name,
        onclick: () => download(`/v1/catalog-templates/${enc(name)}`, name).catch((err) => say(err.message, 'error')),
      }), ' ']))),
    products, versions);
  loadList().catch((err) => say(err.message, 'error'));
  loadCatalog().catch((err) => say(err.message, 'error'));
  return () => {};
}

/** Run ``fn`` over ``items`` at most ``n`` at a time, results in order. */
async function inBatches(items, n, fn) {
  const out = new Array(items.length); let next = 0;
  const worker = async () => { while (next < items.length) { const i = next; next += 1; out[i] = await fn(items[i]); } };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}
