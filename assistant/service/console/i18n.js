// Interface text in Chinese (default) and English; the choice is kept in localStorage.
const LANG_NAME = 'liveshop.lang';

const ZH = {
  skip: '跳到主要内容', brand: 'LiveShop 运营台', 'nav.main': '主导航', 'nav.rooms': '直播间', 'nav.catalog': '商品库', 'nav.faq': '运营答案',
  signout: '退出', 'lang.switch': 'Switch to English', 'lang.button': 'English',
  'signin.title': '登录运营台', 'signin.key': 'API 密钥', 'signin.submit': '登录',
  'signin.hint': '密钥只保存在本标签页（sessionStorage），以 Authorization: Bearer 发送。',
  'signin.bad': '密钥无效，请检查后重试。', 'signin.ok': '已登录', 'signin.expired': '密钥已失效，请重新登录。',
  'rooms.title': '直播间', 'rooms.none': '还没有直播间。', 'rooms.id': '房间 ID', 'rooms.name': '标题', 'rooms.catalog': '商品库',
  'rooms.onStage': '正在讲解', 'rooms.created': '创建时间', 'rooms.open': '进入', 'rooms.new': '新建直播间', 'rooms.create': '创建',
  'rooms.created.ok': '已创建直播间',
  'room.title': '直播间', 'conn.connecting': '连接中…', 'conn.live': '实时连接中', 'conn.closed': '连接已断开',
  'figures.title': '实时指标', 'figures.rate': '弹幕/秒', 'figures.noLlm': '无需大模型的回复占比', 'figures.handoff': '转人工比例', 'figures.p99': '回复 p99',
  'feed.title': '弹幕', 'replies.title': '回复',
  'outcome.reply': '已回复', 'outcome.held': '待审核', 'outcome.joined': '合并到', 'outcome.ignored': '忽略', 'outcome.pending': '处理中', 'outcome.rejected': '已拒绝',
  'reason.duplicate': '重复', 'reason.viewer_flood': '刷屏', 'reason.chatter': '闲聊', 'reason.spam': '广告', 'reason.abuse': '辱骂',
  'reason.steering': '试图操控', 'reason.room_rate': '超出回复速率', 'reason.internal_error': '内部错误', 'reason.empty': '空内容',
  'source.catalog': '商品资料', 'source.faq': '常见问答', 'source.llm': '大模型', 'source.fallback': '资料摘录', 'source.clarify': '追问', 'source.handoff': '转人工',
  'reply.intent': '意图', 'reply.product': '商品', 'reply.latency': '耗时',
  'stage.title': '讲解商品', 'stage.link': '链接', 'stage.name': '商品', 'stage.price': '现价', 'stage.put': '上台讲解', 'stage.now': '讲解中',
  'stage.clear': '清空讲解台', 'stage.cleared': '讲解台已清空', 'stage.done': '已上台', 'stage.timeline': '讲解时间线',
  'promo.title': '直播间活动', 'promo.list': '进行中的活动', 'promo.type': '类型', 'promo.flash_sale': '限时秒杀', 'promo.coupon': '优惠券',
  'promo.spend_discount': '满减', 'promo.flash': '秒杀', 'promo.product': '商品', 'promo.name': '活动名称', 'promo.price': '秒杀价（元）',
  'promo.amount': '优惠金额（元）', 'promo.threshold': '使用门槛（元）', 'promo.minutes': '持续分钟', 'promo.start': '立即开始',
  'promo.started': '活动已开始', 'promo.ended': '活动已结束', 'promo.end': '结束', 'promo.ends': '结束于', 'promo.left': '剩余时间', 'promo.over': '已结束', 'promo.none': '没有进行中的活动。',
  'review.title': '审核后发送', 'review.policy': '这些来源的回复需审核', 'review.held': '待审核回复', 'review.none': '没有待审核的回复。',
  'review.text': '回复内容', 'review.approve': '通过', 'review.edit': '修改后发送', 'review.reject': '拒绝', 'review.saved': '审核设置已保存',
  'review.approved': '已通过并发送', 'review.edited': '已修改并发送', 'review.rejected': '已拒绝，未发送',
  'handoff.title': '转人工队列', 'handoff.none': '没有转人工的问题。', 'handoff.reply': '运营回复', 'handoff.save': '设为运营答案',
  'handoff.saved': '已保存为运营答案', 'handoff.answered': '已设为运营答案',
  'captions.title': '实时字幕', 'captions.unknown': '未知说话人',
  'test.title': '发送测试弹幕', 'test.nickname': '昵称', 'test.nick': '运营测试', 'test.text': '弹幕内容', 'test.send': '发送',
  refresh: '刷新', save: '保存', delete: '删除', prev: '上一页', next: '下一页',
  'catalog.title': '商品库', 'catalog.open': '查看商品库', 'catalog.pick': '选择商品库…', 'catalog.upload': '上传商品文件',
  'catalog.target': '导入到商品库 ID', 'catalog.mode': '导入方式', 'catalog.upsert': '更新合并', 'catalog.replace': '整体替换',
  'catalog.file': '选择文件', 'catalog.drop': '把 CSV / XLSX / JSON 文件拖到这里，或按回车选择文件', 'catalog.progress': '上传进度',
  'catalog.uploading': '正在上传', 'catalog.imported': '导入成功', 'catalog.rows': '行', 'catalog.rejected': '导入被拒绝，未做任何更改',
  'catalog.problems': '问题列表', 'catalog.needId': '请先填写商品库 ID', 'catalog.templates': '模板下载', 'catalog.download': '下载模板',
  'catalog.products': '商品', 'catalog.pid': '商品 ID', 'catalog.sku': '规格', 'catalog.basePrice': '原价', 'catalog.effective': '当前到手价',
  'catalog.stock': '库存', 'catalog.nochange': '没有修改', 'catalog.patched': '已保存', 'catalog.versions': '版本记录',
  'problem.sheet': '工作表', 'problem.row': '行', 'problem.column': '列', 'problem.message': '问题',
  'version.no': '版本', 'version.at': '时间', 'version.mode': '方式', 'version.source': '来源', 'version.summary': '摘要',
  'faq.title': '运营答案', 'faq.none': '还没有运营答案。', 'faq.answer': '答案', 'faq.question': '问题', 'faq.id': '答案 ID',
  'faq.product': '仅限商品 ID（可空）', 'faq.new': '新增运营答案', 'faq.saved': '已保存', 'faq.deleted': '已删除',
  'faq.hint': '运营答案从下一条弹幕起生效，优先于商品资料。（服务端暂不统计命中次数。）',
};

const EN = {
  skip: 'Skip to main content', brand: 'LiveShop console', 'nav.main': 'Main', 'nav.rooms': 'Rooms', 'nav.catalog': 'Catalog', 'nav.faq': 'Operator answers',
  signout: 'Sign out', 'lang.switch': '切换到中文', 'lang.button': '中文',
  'signin.title': 'Sign in', 'signin.key': 'API key', 'signin.submit': 'Sign in',
  'signin.hint': 'The key stays in this tab only (sessionStorage) and is sent as Authorization: Bearer.',
  'signin.bad': 'This key is not valid.', 'signin.ok': 'Signed in', 'signin.expired': 'The key is no longer valid; sign in again.',
  'rooms.title': 'Rooms', 'rooms.none': 'No rooms yet.', 'rooms.id': 'Room id', 'rooms.name': 'Title', 'rooms.catalog': 'Catalog',
  'rooms.onStage': 'On stage', 'rooms.created': 'Created', 'rooms.open': 'Open', 'rooms.new': 'New room', 'rooms.create': 'Create',
  'rooms.created.ok': 'Room created',
  'room.title': 'Room', 'conn.connecting': 'Connecting…', 'conn.live': 'Live', 'conn.closed': 'Disconnected',
  'figures.title': 'Live figures', 'figures.rate': 'Danmaku/s', 'figures.noLlm': 'Answered without an LLM', 'figures.handoff': 'Handoff rate', 'figures.p99': 'Reply p99',
  'feed.title': 'Danmaku', 'replies.title': 'Replies',
  'outcome.reply': 'Replied', 'outcome.held': 'Held', 'outcome.joined': 'Joined', 'outcome.ignored': 'Ignored', 'outcome.pending': 'Pending', 'outcome.rejected': 'Rejected',
  'reason.duplicate': 'duplicate', 'reason.viewer_flood': 'flooding', 'reason.chatter': 'chatter', 'reason.spam': 'spam', 'reason.abuse': 'abuse',
  'reason.steering': 'steering', 'reason.room_rate': 'room reply rate', 'reason.internal_error': 'internal error', 'reason.empty': 'empty',
  'source.catalog': 'Catalog', 'source.faq': 'FAQ', 'source.llm': 'LLM', 'source.fallback': 'Fallback', 'source.clarify': 'Clarify', 'source.handoff': 'Handoff',
  'reply.intent': 'Intent', 'reply.product': 'Product', 'reply.latency': 'Latency',
  'stage.title': 'Stage', 'stage.link': 'Link', 'stage.name': 'Product', 'stage.price': 'Price now', 'stage.put': 'Put on stage', 'stage.now': 'On stage',
  'stage.clear': 'Clear the stage', 'stage.cleared': 'Stage cleared', 'stage.done': 'On stage', 'stage.timeline': 'Stage timeline',
  'promo.title': 'Room promotions', 'promo.list': 'Running promotions', 'promo.type': 'Type', 'promo.flash_sale': 'Flash sale', 'promo.coupon': 'Coupon',
  'promo.spend_discount': 'Spend discount', 'promo.flash': 'Flash sale', 'promo.product': 'Product', 'promo.name': 'Title', 'promo.price': 'Sale price (¥)',
  'promo.amount': 'Coupon amount (¥)', 'promo.threshold': 'Minimum spend (¥)', 'promo.minutes': 'Minutes', 'promo.start': 'Start now',
  'promo.started': 'Promotion started', 'promo.ended': 'Promotion ended', 'promo.end': 'End', 'promo.ends': 'ends', 'promo.left': 'Time left', 'promo.over': 'ended', 'promo.none': 'No promotion running.',
  'review.title': 'Review before sending', 'review.policy': 'Hold replies from these sources', 'review.held': 'Held replies', 'review.none': 'No held replies.',
  'review.text': 'Reply text', 'review.approve': 'Approve', 'review.edit': 'Send edited', 'review.reject': 'Reject', 'review.saved': 'Review settings saved',
  'review.approved': 'Approved and sent', 'review.edited': 'Edited and sent', 'review.rejected': 'Rejected, not sent',
  'handoff.title': 'Handoff queue', 'handoff.none': 'No handed-off questions.', 'handoff.reply': 'Operator reply', 'handoff.save': 'Save as operator answer',
  'handoff.saved': 'Saved as an operator answer', 'handoff.answered': 'Operator answer',
  'captions.title': 'Live captions', 'captions.unknown': 'Unknown speaker',
  'test.title': 'Send a test danmaku', 'test.nickname': 'Nickname', 'test.nick': 'operator test', 'test.text': 'Text', 'test.send': 'Send',
  refresh: 'Refresh', save: 'Save', delete: 'Delete', prev: 'Previous', next: 'Next',
  'catalog.title': 'Catalog', 'catalog.open': 'Catalog', 'catalog.pick': 'Choose a catalog…', 'catalog.upload': 'Upload a catalog file',
  'catalog.target': 'Import into catalog id', 'catalog.mode': 'Mode', 'catalog.upsert': 'Merge (upsert)', 'catalog.replace': 'Replace all',
  'catalog.file': 'Choose files', 'catalog.drop': 'Drop CSV / XLSX / JSON files here, or press Enter to choose', 'catalog.progress': 'Upload progress',
  'catalog.uploading': 'Uploading', 'catalog.imported': 'Imported', 'catalog.rows': 'rows', 'catalog.rejected': 'Import rejected; nothing was changed',
  'catalog.problems': 'Problems', 'catalog.needId': 'Enter a catalog id first', 'catalog.templates': 'Templates', 'catalog.download': 'Download template',
  'catalog.products': 'Products', 'catalog.pid': 'Product id', 'catalog.sku': 'SKU', 'catalog.basePrice': 'Base price', 'catalog.effective': 'Effective price now',
  'catalog.stock': 'Stock', 'catalog.nochange': 'Nothing changed', 'catalog.patched': 'Saved', 'catalog.versions': 'Versions',
  'problem.sheet': 'Sheet', 'problem.row': 'Row', 'problem.column': 'Column', 'problem.message': 'Message',
  'version.no': 'Version', 'version.at': 'When', 'version.mode': 'Mode', 'version.source': 'Source', 'version.summary': 'Summary',
  'faq.title': 'Operator answers', 'faq.none': 'No operator answers yet.', 'faq.answer': 'Answer', 'faq.question': 'Question', 'faq.id': 'Answer id',
  'faq.product': 'Only for product id (optional)', 'faq.new': 'New operator answer', 'faq.saved': 'Saved', 'faq.deleted': 'Deleted',
  'faq.hint': 'Operator answers apply from the next danmaku and win over the catalog. (The service does not count hits yet.)',
};

const DICTS = { zh: ZH, en: EN };

export function lang() { return localStorage.getItem(LANG_NAME) === 'en' ? 'en' : 'zh'; }
export function setLang(value) { localStorage.setItem(LANG_NAME, value); }

/** The text for ``key`` in the current language (``fallback``, then the key, when missing). */
export function t(key, fallback) {
  const dict = DICTS[lang()];
  return dict[key] ?? fallback ?? ZH[key] ?? key;
}

/** Translate the page's static markup (data-i18n) and the language button. */
export function applyStatic() {
  document.documentElement.lang = lang() === 'en' ? 'en' : 'zh-CN';
  document.title = t('brand');
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  document.getElementById('nav')?.setAttribute('aria-label', t('nav.main'));
  const button = document.getElementById('lang');
  if (button) { button.textContent = t('lang.button'); button.setAttribute('aria-label', t('lang.switch')); }
}
