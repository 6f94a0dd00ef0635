// Rooms: the list, a form to open a room over a catalog, links to each live room.
import { api, enc } from './api.js';
import { field, fmtClock, h, say, table } from './dom.js';
import { t } from './i18n.js';

export function renderRooms(main) {
  const list = h('div', { class: 'rooms-list' });
  const catalog = h('select', { required: true });
  const roomId = h('input', { type: 'text', required: true, pattern: '[A-Za-z0-9_.:\\-]+', maxlength: 128 });
  const title = h('input', { type: 'text', maxlength: 200 });

  async function load() {
    const [{ rooms }, { catalogs }] = await Promise.all([api('GET', '/v1/rooms'), api('GET', '/v1/catalogs')]);
    catalog.replaceChildren(...catalogs.map((c) => h('option', { value: c.catalog_id, text: `${c.catalog_id} (${c.products})` })));
    if (!rooms.length) { list.replaceChildren(h('p', { text: t('rooms.none') })); return; }
    list.replaceChildren(table(
      [t('rooms.id'), t('rooms.name'), t('rooms.catalog'), t('rooms.onStage'), t('rooms.created'), ''],
      rooms.map((r) => [r.room_id, r.title, r.catalog_id, r.on_stage || '—', fmtClock(r.created_at),
        h('a', { href: `#/room/${enc(r.room_id)}`, class: 'button', 'aria-label': `${t('rooms.open')}: ${r.room_id}`, text: t('rooms.open') })]),
      t('rooms.title')));
  }

  async function create(e) {
    e.preventDefault();
    try {
      const room = await api('POST', '/v1/rooms', { room_id: roomId.value.trim(), catalog_id: catalog.value, title: title.value.trim() });
      say(`${t('rooms.created.ok')}: ${room.room_id}`);
      location.hash = `#/room/${enc(room.room_id)}`;
    } catch (err) { say(err.message, 'error'); }
  }

  main.replaceChildren(
    h('h1', { text: t('rooms.title') }), list,
    h('section', { class: 'panel', 'aria-labelledby': 'new-room-h' },
      h('h2', { id: 'new-room-h', text: t('rooms.new') }),
      h('form', { onsubmit: create, class: 'inline' },
        field(t('rooms.id'), roomId), field(t('rooms.name'), title), field(t('rooms.catalog'), catalog),
        h('button', { type: 'submit', text: t('rooms.create') }))));
  load().catch((err) => say(err.message, 'error'));
  return () => {};
}
