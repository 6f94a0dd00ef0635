"""Which product (and SKU) a question is about.

Order of evidence, strongest first:
1. a link number ("3号链接"; a bare "20号" only when the cart has a link 20: else it is a date);
1b. another maker's brand asked the goods of ("苹果耳机多少钱": ``brands.asks_another_brand``):
   ``not_sold``, never the product on stage of that kind;
2. a full product name or alias, unless the word belongs to the stage product's own specs (or, for
   usage-like questions, its FAQ and attributes): "面包款还有吗" while a 面包款 pillow is presented;
   likewise the viewer's last product's, for a line that points back at it ("它要卸妆吗" of a
   sunscreen just asked about, not the 卸妆油);
3a. a one-character noun of goods ("这个锅", "鞋子多少钱": ``intent.goods_head``): the product in view
   when a word of its name ends in it (雪地靴 for 鞋), else the products called so, asked about ("您问
   的是…？"), or none sold here;
3b. a thing asked for by name after 卖 ("有卖iPad吗": ``intent.sold_thing``) that no product is called:
    ``not_sold``;
3c. an explicit stage reference ("这个", "这款", "主播手上的"): the product on stage at the message time,
    unless the goods it names are nothing of that product's (``_other_goods_in_view``): "这个口红"
    with a wok on stage asks about the products called so ("您问的是…？"), "这个手机" is ``not_sold``;
4. distinctive name words ("口红"): one product wins; several are narrowed by the stage product and
   the viewer's last product, else the viewer is asked which one (at most ``MAX_CHOICES``); the
   name span of a buying question that sounds like a product's name and is no ordinary word
   (保温悲 -> 保温杯, 蓝牙音响 -> 蓝牙音箱) is that product when nothing is on stage or in the
   dialogue, else the viewer is asked whether they mean it (a sound is weaker evidence than a typed
   name); with nothing on stage and no earlier product, names that sound alike anywhere in the text
   count too;
5. a product name the catalog does not know ("这个月饼多少钱" in a room without 月饼), or one that
   only other products' words mention asked in a buying question ("笔记本多少钱" where a charger's
   description names 笔记本): no product (``not_sold``), never the product on stage; the answerer
   hands it to a person;
6. no reference: the viewer's last product if they asked after the latest stage change (a follow-up),
   else the product on stage;
7. nothing: ask which link the viewer means.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from assistant.danmaku.attributes import PARTS, names_the_product
from assistant.danmaku.brands import asks_another_brand
from assistant.danmaku.catalog_words import names_aspect
from assistant.danmaku.dialogue import ViewerDialogue
from assistant.danmaku.intent import (
    MODIFIER,
    asks_whether_sold,
    goods_of_a_kind_asked,
    sold_thing,
    version_asked,
)
from assistant.danmaku.matcher import NameMatch, ProductMatcher
from assistant.danmaku.slot_rules import LETTER_SIZE_RE, colours_named, sizes_named
from assistant.danmaku.types import Intent, Slots
from assistant.danmaku.vocabulary import (
    ANY_CLOTHES_WORDS,
    CLOTHES_KIND_CHARACTERS,
    CLOTHES_WORDS_RE,
    GARMENT_CHARACTERS,
    GOODS_HEAD_WORDS,
    GOODS_HEADS,
    INTERCHANGEABLE_FORMS,
    ONE_CHARACTER_GOODS,
    SKIN_VARIANT_WORDS,
    UNIT_COUNTERS,
)
from assistant.rooms import Room
from knowledge.domain import Catalog, Product, Sku
from knowledge.retrieval.tokenize import is_dictionary_word

MAX_CHOICES = 4
# A link number said as such ("3号链接", "链接3", "#3", "link 3"), not a bare "3号".
_EXPLICIT_LINK_RE = re.compile(r"链接|#|(?<![a-z])(?:link|number|no\.?)(?![a-z])")

How = Literal["link", "name", "stage", "previous", "choice", "none", "unknown_link", "not_sold"]
ReferenceKind = Literal["stage", "link", "name", "previous"] | None


@dataclass(frozen=True, slots=True)
class Resolution:
    product_id: str | None
    how: How
    candidates: tuple[str, ...] = ()  # when the viewer must choose


# The product presented before the one on stage ("刚才那个", "上一个链接", "前一个"), not a month or a
# week ("上个月", "上一个月"), nor a time alone ("刚刚进来", "刚才主播说").
_NOT_A_PRODUCT_AFTER = r"(?!月|星期|礼拜|周|小时|季|年|天|主播|直播)"
_ONE_BEFORE_RE = re.compile(
    rf"刚(?:才|刚)(?:说|讲|介绍|播)?的?(?:那个|那款|那件|那条|那双|那瓶|那盒|链接){_NOT_A_PRODUCT_AFTER}"
    rf"|上[一1]?(?:个|款){_NOT_A_PRODUCT_AFTER}(?:链接|产品|宝贝|东西)?|前[一1](?:个|款){_NOT_A_PRODUCT_AFTER}"
    r"|(?:前面|之前)(?:那个|那款)"
)


# Clothes the viewer wears under the garment asked about ("里面穿卫衣要拍大一码吗", "内搭毛衣会紧吗",
# "里面能穿羽绒服吗"): their own, never the product asked. Worn, not named as goods: "打底衫多少钱" and
# "内搭多少钱" ask for goods.
_WORN_UNDER_RE = re.compile(
    r"(?:(?:里面|里边|里头)(?:再|还|要|想|能|可以)?(?:穿|搭|套|加)|内搭)(?:个|件|一件|着|了)?"
    r"(?![多什怎哪几啥])[\u4e00-\u9fff]{1,4}?(?=的话|要|能|会|的|拍|选|买|需要|大|小|穿|吗|呢|[,.!?\s]|$)"
)


def resolve_product(
    *,
    text: str,
    reference: ReferenceKind,
    slots: Slots,
    catalog: Catalog,
    matcher: ProductMatcher,
    room: Room,
    at: datetime,
    dialogue: ViewerDialogue | None,
    intent: Intent = Intent.OTHER,
    name_span: str = "",
    goods_head: str = "",
) -> Resolution:
    """Resolve the product a normalised danmaku refers to (see the module docstring for the order).

    ``name_span`` is the product-name candidate of the text (``ProductRef.text``), if any;
    ``goods_head`` the one-character noun of goods the line asks about (``intent.goods_head``)."""
    if slots.link_no is not None:
        product_id = matcher.by_link.get(slots.link_no)
        if product_id:
            return Resolution(product_id, "link")
        if _EXPLICIT_LINK_RE.search(text):
            return Resolution(None, "unknown_link")
        # a bare "20号" that names no link of the cart is a date or a size, not a missing link
    if asks_another_brand(text, catalog):
        return Resolution(None, "not_sold")  # "苹果耳机多少钱": another maker's, not the Air3 on stage
    on_stage = room.stage_at(at)
    worn_under = " ".join(m.group(0) for m in _WORN_UNDER_RE.finditer(text)) if on_stage else ""
    if worn_under:
        # "里面穿卫衣要拍大一码吗" with a down jacket on stage: what is worn under it is the viewer's
        text = _WORN_UNDER_RE.sub(" ", text)
        name_span = "" if name_span in worn_under else name_span
        goods_head = "" if goods_head in worn_under else goods_head
    if not name_span:  # "有没有保温饭盒", "有没有同款的毛衣裙": the goods asked for stand after 有没有
        name_span = goods_of_a_kind_asked(text)
    names = matcher.match(text)
    previous = dialogue.product_id if dialogue else None
    presented = catalog.product(on_stage) if on_stage else None
    if (
        not names.exact
        and presented is not None
        and CLOTHES_WORDS_RE.search(text)
        and not _of_clothes(presented)
    ):  # "主播穿的衣服多少钱", "这件衣服多少钱" with a cleanser on stage: clothes, which it is not
        asked_before = catalog.product(previous) if previous else None
        if asked_before is not None and _of_clothes(asked_before):
            return Resolution(previous, "previous")
        return Resolution(None, "not_sold")
    any_clothes = name_span in ANY_CLOTHES_WORDS
    if not names.exact and presented is not None and any_clothes and _a_garment(presented):
        return Resolution(on_stage, "stage")  # "衣服包邮吗" with a down jacket on stage: that jacket
    if names.exact and _other_goods_around(names.key, names.exact, name_span, catalog, text):
        return Resolution(None, "not_sold")  # "有卸妆膏吗": a 卸妆膏 is no 卸妆油, nor the stage's 卸妆 FAQ
    if len(names.exact) == 1:
        # "它要卸妆吗": 它 with a name word (其它 is "other")
        points_back = reference == "previous" or re.search(r"(?<!其)它", text) is not None
        asked_before = catalog.product(previous) if points_back and previous else None
        if (
            asked_before is not None
            and previous != names.exact[0]
            and stage_claims(asked_before, names.key, intent)
        ):  # "3号链接多少 … 它要卸妆吗" of a sunscreen whose FAQ asks 需要卸妆吗: not the 卸妆油
            return Resolution(previous, "previous")
        stage_product = catalog.product(on_stage) if on_stage and on_stage != names.exact[0] else None
        if stage_product is not None and _used_with(text, names.key):
            return Resolution(on_stage, "stage")  # "能装牛奶吗" of a cup on stage: the cup, not the milk
        if stage_product is not None and stage_claims(
            stage_product, names.key, intent, asks_there=bool(version_asked(text)) or asks_whether_sold(text)
        ):
            return Resolution(on_stage, "stage")
        return Resolution(names.exact[0], "name")
    before = (
        room.stage_before(at)
        if not names.exact and reference != "stage" and _ONE_BEFORE_RE.search(text)
        else None
    )
    if before is not None:  # "刚才那个多少钱", "上一个链接还有货吗": what the host presented before
        return Resolution(before, "previous")
    if goods_head and on_stage and not names.exact:
        in_view = previous if previous and _is_follow_up(dialogue, room, at, reference) else on_stage
        if not _called(goods_head, catalog.product(in_view)):
            return _named_by_goods_head(goods_head, catalog, matcher)
        if reference in ("name", None):  # "鞋子多少钱" with the boots in view
            return Resolution(in_view, "stage" if in_view == on_stage else "previous")
        if reference == "stage" and _called(goods_head, catalog.product(on_stage)):
            return Resolution(on_stage, "stage")  # "这个靴子多少钱" with the snow boots on stage
    if (
        not names.exact
        and not names.partial
        and reference not in ("stage", "previous")
        and slots.color is None
        and slots.size is None
        and slots.variant_hint is None
        and sold_thing(text)
    ):
        return Resolution(None, "not_sold")  # "有卖iPad吗": no product is called so
    sounded: tuple[str, ...] = ()
    if not names.exact and not names.partial:
        if _names_no_product_here(
            name_span, catalog, text, on_stage, reference, intent
        ) and not matcher.sound_alike(name_span):  # 蓝牙音响 may be the 蓝牙音箱 on sale
            return Resolution(None, "not_sold")
        sounded = _typed_by_sound(name_span, catalog, intent, matcher)
    if reference == "stage" and on_stage and not names.exact:
        if _other_goods_in_view(name_span, catalog, on_stage, text):
            # "这个口红显白吗" with a wok on stage: 口红 is the lip glaze's name, never the wok's;
            # "这个手机多少钱": no product is called so, and the wok is not one
            called = _called_elsewhere(name_span, catalog, on_stage)
            return (
                Resolution(None, "choice", called[:MAX_CHOICES]) if called else Resolution(None, "not_sold")
            )
        return Resolution(on_stage, "stage")
    if sounded and on_stage not in sounded and (on_stage or previous):
        # a sound is weaker evidence than a typed name: with a product on stage or in the dialogue,
        # ask rather than answer for either
        return Resolution(None, "choice", sounded[:MAX_CHOICES])
    candidates = names.exact or names.partial or sounded
    if not candidates and not on_stage and not previous:
        candidates = matcher.sound_alike(text)  # typed by sound: 保温悲 -> 保温杯
    if len(candidates) > 1 and not names.exact:  # several names of one maker, not two goods named
        candidates = _of_the_kind_named(text, candidates, catalog)  # "简川的裤子": the jeans
    if candidates:
        if len(candidates) == 1:
            return Resolution(candidates[0], "name")
        for preferred in (on_stage, previous):
            if preferred in candidates:
                return Resolution(preferred, "stage" if preferred == on_stage else "previous")
        if len(candidates) <= MAX_CHOICES:
            return Resolution(None, "choice", candidates)
    if previous and _is_follow_up(dialogue, room, at, reference):
        return Resolution(previous, "previous")
    if on_stage:
        return Resolution(on_stage, "stage")
    if previous:
        return Resolution(previous, "previous")
    return Resolution(None, "none")


# A verb of what goods are used with, said as whether they can ("能装牛奶吗", "可以充充电宝吗", "能连耳机吗",
# "能给耳机充电吗"), right before another product's name: that product is what the one in view holds,
# charges or connects. Never a pack's word ("罐装绿茶", "双支装防晒") nor a request ("给个保温杯链接").
_USED_WITH = r"(?:能|可以|可|会|能不能|可不可以|用来|拿来)(?:装|盛|泡|充|连|接|插)"
_CHARGED = r"(?:能|可以|可|会|能不能|可不可以)?给"


def _used_with(text: str, key: str) -> bool:
    """Whether the product name ``key`` is said as what the product in view is used with."""
    if not key:
        return False
    name = re.escape(key)
    return re.search(rf"{_USED_WITH}{name}|{_CHARGED}{name}充", text) is not None


def _of_clothes(product: Product) -> bool:
    """Whether a product is clothes: its category or name holds a character of clothes ("服饰",
    "开衫", "雪地靴": ``vocabulary.CLOTHES_KIND_CHARACTERS``)."""
    return any(c in f"{product.category}{product.name}" for c in CLOTHES_KIND_CHARACTERS)


def _a_garment(product: Product) -> bool:
    """Whether a product's name names a garment ("羽绒服", "开衫"; ``vocabulary.GARMENT_CHARACTERS``),
    what a general word for clothes may mean (boots and scarves are clothes of another kind)."""
    return any(c in product.name for c in GARMENT_CHARACTERS)


def _other_goods_in_view(span: str, catalog: Catalog, on_stage: str, text: str) -> bool:
    """Whether a name span said with a stage word names goods (it ends in a noun of goods:
    ``_GOODS_HEAD_RE``) that nothing of the product on stage mentions ("这个手机", "这个口红" with a wok
    on stage): another product's, or goods the room does not sell, never the one on stage. Goods
    of the stage product's kind ("水杯" of a 保温杯: ``vocabulary.ONE_CHARACTER_GOODS``) are it."""
    kind = span.removesuffix("子")[-1:]
    if kind in ONE_CHARACTER_GOODS and _called(kind, catalog.product(on_stage)):
        return False  # "这个水杯" of a 保温杯 on stage: goods of its kind
    return (
        len(span) >= 2
        and (_GOODS_HEAD_RE.search(span) is not None or bool(_called_elsewhere(span, catalog, on_stage)))
        and names_unknown_product(span, catalog, text, within=on_stage)
    )


_AFTER_OF_RE = re.compile(r"的([\u4e00-\u9fff]{1,6})")


def _of_the_kind_named(text: str, candidates: tuple[str, ...], catalog: Catalog) -> tuple[str, ...]:
    """The candidates the words after 的 narrow a maker's products to ("澜序的面霜": the cream of 澜序's
    serum and cream; "简川的裤子": of the jeans and the cardigan, the one called by a noun of 裤,
    ``vocabulary.ONE_CHARACTER_GOODS``), or all of them when those words name no goods one of them is
    called by ("澜序的修护霜", "简川的牛仔外套": ask which)."""
    after = _AFTER_OF_RE.search(text)
    if after is None:
        return candidates
    thing = after.group(1)
    products = {c: p for c in candidates if (p := catalog.product(c)) is not None}
    # the longest start of it that names goods (its last character a noun of goods) and a name
    # holds ("面霜多少钱": 面霜); "修护霜" names no serum for its 修护, "牛仔外套" no jeans for its 牛仔
    for n in range(len(thing), 1, -1):
        if thing[n - 1] not in GOODS_HEADS:
            continue
        named = tuple(
            c for c, p in products.items() if any(thing[:n] in x.lower() for x in (p.name, *p.aliases))
        )
        if named:
            return named
    kind = next((ch for ch in thing[:2] if ch in ONE_CHARACTER_GOODS), "")
    of_kind = tuple(c for c, p in products.items() if kind and _called(kind, p))
    return of_kind or candidates


def _called_elsewhere(span: str, catalog: Catalog, on_stage: str) -> tuple[str, ...]:
    """The products other than the one on stage whose name or an alias holds the name span ("口红"
    of "花汐口红")."""
    return tuple(
        p.product_id
        for p in catalog.products
        if p.product_id != on_stage and any(span in n for n in (p.name, *p.aliases))
    )


# Words a name span holds that name an aspect, a person or the shop, never a product on sale.
_NOT_A_PRODUCT_RE = re.compile(
    r"效果|质量|品质|味道|气味|颜色|颜值|款式|样式|包装|做工|手感|口感|大小|尺寸|重量|价格|价钱|价位|原价|划线价|单价|售价|现价|到手价|东西|产品|宝贝|"
    r"商品|货|店|直播|链接|快递|物流|活动|优惠|规格|型号|日期|时间|时候|区别|差别|功能|用法|成分|材质|面料|"
    r"上个|这个|那个|哪个|一个|两个|几个|多个|每个|第|个月|月份|月底|月初|号|周|星期|昨天|前天|今天|早上|晚上|主播|老板|客服|亲|"
    r"你们|我们|他们|大家|家人|姐妹|宝宝|朋友|老公|老婆|孩子|小孩|妈妈|爸爸|为啥|请|谢谢|好的|"
    r"订单|单子|发票|地址|电话|"
    # the viewer's body ("臀围100穿什么码", "腰二尺一穿几码")
    r"身高|体重|腰围|臀围|胸围|三围|肩宽|^腰[\d一二两三四五六七八九]|"
    # buying and receiving ("下单几天发货", "拆封了能退吗"): acts, not goods
    r"下单|拆封|拆开|开封|签收|收货|购买|付款|到货|激活|不想要|"
    # one unit of a version ("单支多少 包邮吗", "单只多少钱"): a count, not goods
    rf"^单(?:{UNIT_COUNTERS})|"
    r"具体|超级|真的|到底|一般|大概|这样|那样|这么|那么|不|随便|已经|应该|需要|之前|以前|刚才|刚刚|一下|一点|一样|单件|"
    r"妹子|小姐姐|美女|帅哥|老师|哥|姐|"
    r"如果|假如|要是|但是|可是|因为|所以|然后|而且|或者|虽然|不过|"  # conjunctions
    # a count of units or of time ("一包多少克", "三袋一起多少钱", "两年保修") and a property said of a
    # thing ("骨头多吗", "热量高吗": the span ends in how much or how big it is)
    rf"^[一二两三四五六七八九十几每半\d]+({UNIT_COUNTERS}|对|副|斤|克|年|天|小时|分钟)|一起|"
    r"[多少高低大小重轻长短厚薄甜咸辣硬软贵]$"
)
# Single characters of doing, degree and time ("买的", "发货", "先用", "洗完"): a span holding one
# is no product name, unless it ends in a noun of goods ("洗发水", "发膜": ``_GOODS_HEAD_RE``) and
# does not open on one that starts a phrase ("用手机", "买水杯"; 发, 收, 换, 退, 穿 and 钱 open names
# of goods too: 发膜, 收纳盒, 穿衣镜, 钱包).
_PHRASE_OPENERS = "用买送拍吃喝看说问等给到还再就都很太最更又先完了过后含"  # 含: "含酒精吗"
_FUNCTION_CHAR_RE = re.compile(rf"[退换钱发收穿{_PHRASE_OPENERS}]")
_VERB_FIRST_RE = re.compile(rf"[{_PHRASE_OPENERS}]")
# A span ending in a noun of goods (``vocabulary.GOODS_HEADS``: 水, 霜, 壶, 包 ...) names goods even
# when a concept word is in it ("保温壶", "充电线").
_GOODS_HEAD_RE = re.compile(rf"[{GOODS_HEADS}]$|{'|'.join(GOODS_HEAD_WORDS)}")


# Where a product name stands: after a demonstrative or 卖 / 有没有, or opening the line or a clause
# ("月饼多少钱", "你好 月饼多少钱").
_NAME_SLOT_RE = (
    "(?:^|\\s|[,.!?~]|你好|您好|请问|这个|这款|这种|这件|这瓶|这盒|这支|那个|那款|卖|有没有|有|"
    "你们的|你们家的?|你家的?|店里的|主播(?:戴|穿|用|背)?的|"
    # after a negated modifier and 的 ("不含税的笔记本", ``intent.MODIFIER``)
    f"{MODIFIER})"
)
_CJK_ONLY_RE = re.compile(r"^[\u4e00-\u9fff]{2,6}$")


def names_unknown_product(
    span: str, catalog: Catalog, text: str | None = None, within: str | None = None
) -> bool:
    """Whether a name span ("月饼") looks like a product name and nothing in the catalog holds it:
    no product's name, alias, brand, spec, attribute, description or FAQ mentions it (with
    ``within``, a product id: nothing of that one product does). Aspect words, people, times and
    adverbs (``_NOT_A_PRODUCT_RE``) never count, so "这个效果怎么样" stays on stage; nor do the
    properties shoppers ask about (``catalog_words.names_aspect``: 续航, 防水, 保质期) and spans with
    a character of doing (``_FUNCTION_CHAR_RE``: "发货"), unless the span ends in a noun of goods
    ("保温壶", "洗发水": ``_GOODS_HEAD_RE``); with ``text``, the span must also stand where a name
    does (``_NAME_SLOT_RE``): ``looks_like_a_name``."""
    if not looks_like_a_name(span, text):
        return False
    texts = _catalog_texts(catalog)
    if within is not None:
        texts = tuple(t for p, t in zip(catalog.products, texts, strict=True) if p.product_id == within)
    return not any(span in t for t in texts)


def looks_like_a_name(span: str, text: str | None = None) -> bool:
    """Whether a span may name goods (``names_unknown_product``'s reading, before any catalog is
    looked at): Chinese only, no aspect word, person, time or adverb, no character of doing unless
    it ends in a noun of goods, and (with ``text``) standing where a name does."""
    if not _CJK_ONLY_RE.match(span) or _NOT_A_PRODUCT_RE.search(span):
        return False
    goods = (
        _GOODS_HEAD_RE.search(span) is not None
        and _VERB_FIRST_RE.match(span) is None
        and not names_aspect(span[-2:])  # "保湿补水", "防水": a property, not goods
    )
    if not goods and (_FUNCTION_CHAR_RE.search(span) or names_aspect(span, text or "")):
        return False
    return text is None or re.search(_NAME_SLOT_RE + re.escape(span), text) is not None


_WORD_SPLIT_RE = re.compile(r"[\s,，、/+()（）]+")


def _called(head: str, product: Product | None) -> bool:
    """Whether a word of the product's name, aliases or specs ends in the noun of goods ``head`` (or
    one of its kind, ``vocabulary.ONE_CHARACTER_GOODS``: 雪地靴 is a 鞋; 杯子 ends in 杯 before its
    子; a cosmetic's form, ``INTERCHANGEABLE_FORMS``: 牛乳 is a 牛奶), so that "这双鞋" may mean it; a
    杯垫 is no 杯."""
    if product is None:
        return True
    marks = INTERCHANGEABLE_FORMS if head in INTERCHANGEABLE_FORMS else ONE_CHARACTER_GOODS.get(head, head)
    texts = (product.name, *product.aliases, *(s.spec for s in product.skus))
    words = (w.removesuffix("子") for t in texts for w in _WORD_SPLIT_RE.split(t.lower()))
    return any(w[-1:] in marks for w in words if w)


def _named_by_goods_head(head: str, catalog: Catalog, matcher: ProductMatcher) -> Resolution:
    """The products a one-character noun of goods names when the product in view is not such goods
    ("这个锅多少钱" while a cleanser is presented): the one the operator calls by that character (an
    alias "锅"), else those a word of whose name or alias ends in it (保温杯, 智能手表, 雪地靴), to be
    asked about (one character is weak evidence: "您问的是…？"); too many: which link; none: a
    product this room does not sell."""
    holders = matcher.called(head) or tuple(p.product_id for p in catalog.products if _called(head, p))
    if not holders:
        return Resolution(None, "not_sold")
    if len(holders) > MAX_CHOICES:
        return Resolution(None, "none")
    return Resolution(None, "choice", holders)


def _typed_by_sound(span: str, catalog: Catalog, intent: Intent, matcher: ProductMatcher) -> tuple[str, ...]:
    """The products a buying question's name span is a typo of, by sound: nothing in the catalog
    holds the span, all of it sounds like a name or alias (保温悲 -> 保温杯), and it is no ordinary
    word ("东北" sounds like 冬被, "超过" like 炒锅: words, not typos). Usage-like questions
    (``_CLAIMABLE_INTENTS``: "大一学生能用吗") name who or what the product is for, not a product."""
    if (
        intent in _CLAIMABLE_INTENTS
        or not _CJK_ONLY_RE.match(span)
        or any(span in t for t in _catalog_texts(catalog))
        or is_dictionary_word(span)
    ):
        return ()
    return matcher.sound_alike(span, whole=True)


def names_other_goods(span: str, names: NameMatch, catalog: Catalog, text: str) -> bool:
    """Whether a line's name span names goods the room does not sell: nothing in the catalog holds
    it and no product is named in it ("卸妆膏有吗"), or it wraps a name in other goods ("卸妆膏"
    around the alias 卸妆 of a 卸妆油; ``_other_goods_around``)."""
    if names.exact:
        return _other_goods_around(names.key, names.exact, span, catalog, text)
    return not names.partial and names_unknown_product(span, catalog, text)


def _other_goods_around(key: str, named: Sequence[str], span: str, catalog: Catalog, text: str) -> bool:
    """Whether the name span wraps the matched name in other goods: it holds the key, ends in a
    noun of goods the key lacks ("卸妆膏" around the alias 卸妆 of a 卸妆油), what it adds is no
    part or version of a product so named ("鼠标线", "蜡烛礼盒": the candle's 三香礼盒) nor another
    form of the same cosmetic ("防晒乳" of a 防晒霜), and nothing in the catalog
    holds the whole span: goods the room does not sell, not the product the key names."""
    if not key or key not in span or span == key:
        return False
    added = span.replace(key, "", 1)
    if added in PARTS:
        return False  # "鼠标线": the mouse's own cable, a part of it
    products = [p for p in map(catalog.product, named) if p is not None]
    if any(skus_holding(p, added) for p in products):
        return False
    if span[-1] in INTERCHANGEABLE_FORMS and any(
        w[-1:] in INTERCHANGEABLE_FORMS for p in products for w in (p.name, *p.aliases)
    ):
        return False  # "防晒乳" of a sunscreen sold as 防晒霜: one kind of goods
    return (
        _GOODS_HEAD_RE.search(span) is not None
        and _GOODS_HEAD_RE.search(key) is None
        and names_unknown_product(span, catalog, text)
    )


def _names_no_product_here(
    span: str,
    catalog: Catalog,
    text: str,
    on_stage: str | None,
    reference: ReferenceKind,
    intent: Intent,
) -> bool:
    """Whether the line names a thing the room does not sell: nothing in the catalog mentions it, or,
    for a buying question that does not point at the stage ("笔记本多少钱" while a cleanser is on
    stage and only a charger's description says it charges a 笔记本), only other products' words do:
    a thing another product's text mentions is not on sale for being mentioned, and it is not the
    product on stage either."""
    if _PACK_RE.search(span) is not None:  # a pack or version of the product in view ("组合装有吗")
        return False
    stage_product = catalog.product(on_stage) if on_stage is not None else None
    if stage_product is not None and skus_holding(stage_product, span):
        return False  # "玫瑰金皮表带多少钱": a version of the product on stage, typed without its space
    kind = span.removesuffix("子")
    if stage_product is not None and kind in ONE_CHARACTER_GOODS and _called(kind, stage_product):
        return False  # "靴子偏码吗" with the snow boots on stage: their kind, not goods the room lacks
    if names_unknown_product(span, catalog, text):
        return True
    if on_stage is None or reference == "stage" or intent in _CLAIMABLE_INTENTS:
        return False
    # a buying question's goods are what the product on stage is called, never what it only mentions
    # working with ("电磁炉多少钱" with a wok "燃气灶、电磁炉通用" presented, "笔记本多少钱" with a charger
    # that charges one, "手机多少钱" with earphones)
    if _ORDERING_DEVICE_RE.match(span) is not None:
        # a device wherever it stands ("今天买了手机 降价能保价吗"), but the viewer's own what they order
        # with ("手机怎么下单")
        return intent not in _ORDERING_INTENTS and not _is_called_so(span, stage_product)
    if _GOODS_HEAD_RE.search(span) is not None:
        # goods, by their noun: what the stage product is called, or goods of its kind by another word
        # ("乳霜多少钱" of a 面霜, "铝合金锅" of a 炒锅, "牛乳" of a 牛奶); "电磁炉" is no 锅
        return (
            looks_like_a_name(span, text)
            and not _is_called_so(span, stage_product)
            and not _called(span[-1], stage_product)
        )
    return names_unknown_product(span, catalog, text, within=on_stage)  # any other word: all it says


def _is_called_so(span: str, product: Product | None) -> bool:
    """Whether ``span`` is what the product is (``attributes.names_the_product``: its names, category,
    specs) or its brand, not what its description or attributes mention."""
    return product is not None and (names_the_product(product, span) or span in (product.brand or "").lower())


# A pack or version ("套装", "旅行装") is a choice of the product in view; the viewer's own device is
# what they order with ("手机怎么下单", "苹果手机上怎么领券"), not goods asked about, in a question of
# ordering, coupons or a flash sale only: "手机多少钱", "手机能保价吗" ask about a phone, which a cleanser
# presented is not.
_PACK_RE = re.compile(r"(装|款|版|套|系列)$")
_ORDERING_DEVICE_RE = re.compile(r"^(苹果|安卓|华为)?(手机|电脑|平板|ipad|iphone)(上|端|里)?$")
_ORDERING_INTENTS = frozenset({Intent.HOW_TO_ORDER, Intent.DISCOUNT, Intent.FLASH_SALE})


_TEXTS: dict[tuple[str, str], tuple[str, ...]] = {}


def _catalog_texts(catalog: Catalog) -> tuple[str, ...]:
    """Every product's searchable text, lower-cased, per catalog version (built once): its names,
    category, specs, attributes, FAQ and the titles of the promotions that apply to it ("数码9折券":
    "数码券能用吗" names no product the room lacks)."""
    key = (catalog.catalog_id, str(catalog.version))
    texts = _TEXTS.get(key)
    if texts is None:
        texts = tuple(
            " ".join(
                (
                    p.name,
                    *p.aliases,
                    p.brand or "",
                    p.category,
                    *(
                        promotion.title
                        for promotion in catalog.promotions
                        if any(promotion.applies_to(p.product_id, s.sku_id) for s in p.skus)
                    ),
                    p.description,
                    *(s.spec for s in p.skus),
                    *p.attributes,
                    *p.attributes.values(),
                    *(f.question + f.answer for f in p.faq),
                )
            ).lower()
            for p in catalog.products
        )
        if len(_TEXTS) > 64:
            _TEXTS.clear()
        _TEXTS[key] = texts
    return texts


# Questions about how the product on stage is used or who it suits may name another product's
# alias as a thing ("需要卸妆吗" while a sunscreen is presented); buying questions name what they buy.
_CLAIMABLE_INTENTS = frozenset({Intent.USAGE, Intent.SUITABILITY, Intent.MATERIAL, Intent.OTHER})


def stage_claims(stage: Product, key: str, intent: Intent, asks_there: bool = False) -> bool:
    """Whether a word that names another product belongs to the stage product's own text instead:
    one of its SKU specs ("面包款" of a pillow), or, for usage-like questions, its FAQ and attributes.
    Whether the thing is there (``asks_there``: "牛奶有吗", "有防晒吗") is claimed by a spec or an
    attribute of that name (a foundation's 防晒) alone, never by the FAQ or the description speaking
    of it ("早餐配牛奶刚刚好")."""
    if not key:
        return False
    if any(key in sku.spec.lower() for sku in stage.skus):
        return True
    if asks_there:
        return any(key == name.lower() for name in stage.attributes)
    if intent not in _CLAIMABLE_INTENTS:
        return False
    own = " ".join(
        (*(f.question + f.answer for f in stage.faq), *stage.attributes.values(), stage.description)
    )
    return key in own.lower()


def _is_follow_up(
    dialogue: ViewerDialogue | None, room: Room, at: datetime, reference: ReferenceKind
) -> bool:
    """A question without a product refers to the viewer's last product unless the stage changed since."""
    if dialogue is None:
        return False
    if reference == "previous":
        return True
    changed = room.last_stage_change_before(at)
    return changed is None or dialogue.updated_at >= changed


def matching_skus(product: Product, slots: Slots) -> list[Sku]:
    """SKUs whose spec mentions the colour, size or variant the viewer named (all when none named)."""
    skus = list(product.skus)
    for wanted in (slots.color, slots.size):
        if wanted:
            narrowed = [s for s in skus if _spec_has(s.spec, wanted)]
            if not narrowed:
                return []
            skus = narrowed
    if slots.variant_hint:
        held = skus_holding(product, slots.variant_hint)
        skus = [s for s in skus if s in held]
    return skus


@dataclass(frozen=True, slots=True)
class VersionsAsked:
    """The versions of several colours or sizes one line asks of (``several_versions``)."""

    skus: tuple[Sku, ...]  # the versions there are of what was asked, in the catalog's order
    absent: tuple[str, ...]  # what was asked that no version is ("米白 XL", "白色"), to be said so

    def key(self) -> tuple[str, ...]:
        """What of it changes the answer (part of the answer-cache key)."""
        return (*(s.sku_id for s in self.skus), *self.absent)


def several_versions(product: Product, normalized: str) -> VersionsAsked | None:
    """The versions of the two or more colours (or other first words of the specs: "栗色", "麻辣") or
    sizes the line names ("黑色和白色有货吗", "栗色和黑色有货吗", "M和L有货吗", "37码和38码还有吗"): each
    one's versions, with the other kind's words where the line names some (each colour in each size),
    or each colour with its own size where it names them in turn ("黑色M和白色L有吗"); what was asked
    and is not sold is kept to be said absent ("没有米白 XL"). None when the line names fewer than two
    of either kind, or nothing asked is sold (the slots' single reading says what there is instead)."""
    colours, sizes = _versions_named(product, normalized)
    if len(colours) < 2 and len(sizes) < 2:
        return None
    named = sorted([*colours, *sizes])
    text = normalized.lower()
    # one list of versions ("黑色和白色M和L"), not two clauses naming one each ("控油400的没了 那保湿400呢")
    if any(
        not _LISTED_BETWEEN_RE.fullmatch(text[a + len(w) : b])
        for (a, _, w), (b, _, _) in itertools.pairwise(named)
    ):
        return None
    turns = [kind for _, kind, _ in named]
    colour_words, size_words = [w for _, _, w in colours], [w for _, _, w in sizes]
    if len(colours) == len(sizes) and all(a != b for a, b in itertools.pairwise(turns)):
        asked = [(c, z) for c, z in zip(colour_words, size_words, strict=True)]
    elif colour_words and size_words:
        asked = [(c, z) for c in colour_words for z in size_words]
    else:
        asked = [(w, "") for w in colour_words or size_words]
    found: set[str] = set()
    absent = []
    for colour, size in asked:
        hits = [
            s for s in product.skus if _spec_has(s.spec, colour) and (not size or _spec_has(s.spec, size))
        ]
        found |= {s.sku_id for s in hits}
        if not hits:
            absent.append(f"{colour} {size}".strip())
    if not found:
        return None
    return VersionsAsked(tuple(s for s in product.skus if s.sku_id in found), tuple(absent))


def version_said(product: Product, normalized: str) -> VersionsAsked | None:
    """The versions of the one colour (or first word of the specs) and the one size the line names
    together ("栗色37有吗": 栗色 37), or, where the product is sold in each but never in the two
    together ("栗色39有吗" of boots sold in 栗色 36-38 and 黑色 37/39), that combination said absent,
    never answered with the other colour's 39. None when the line names other than one of each."""
    colours, sizes = _versions_named(product, normalized)
    if len(colours) != 1 or len(sizes) != 1:
        return None
    colour, size = colours[0][2], sizes[0][2]
    held = [(s, _spec_has(s.spec, colour), _spec_has(s.spec, size)) for s in product.skus]
    both = tuple(s for s, c, z in held if c and z)
    if both:
        return VersionsAsked(both, ())
    if any(c for _, c, _ in held) and any(z for _, _, z in held):
        return VersionsAsked((), (f"{colour} {size}",))
    return None


# What may stand between two versions of one list: joining words ("黑色和白色", "M、L", "36码37码").
_LISTED_BETWEEN_RE = re.compile(r"[\s和跟与及、/,或还有是的码号]*")


# The first word of a spec that names a version by a colour or a kind ("栗色 37" -> "栗色", "肤色3条 M"
# -> "肤色", "控油款 200ml" -> "控油款", "曜石黑" -> "曜石黑"), said also without its 色, 味, 款 or 装
# ("酒红", "麻辣", "控油").
_VERSION_WORD_RE = re.compile(r"[\u4e00-\u9fff]{2,}")
_VERSION_WORD_SUFFIX_RE = re.compile(r"(?<=..)[色味款装]$")


def _versions_named(
    product: Product, normalized: str
) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]]]:
    """The colours (or first words of the specs) and the sizes the line names, each as (position, kind,
    word), in the line's order: the product's own words ("栗色", "奶白") and the colour words of any
    product ("黑色" of "曜石黑", or "白色" the boots are not sold in), a word inside a longer one named
    once ("酒红色" is not also 红色); sizes as words ("L" is not in "XL", nor in "black")."""
    text = normalized.lower()
    own = {
        m.group(0)
        for sku in product.skus
        if (m := _VERSION_WORD_RE.match(sku.spec.split()[0] if sku.spec.split() else "")) is not None
    }
    spans: list[tuple[int, int, str]] = []
    for word in sorted(own | {_VERSION_WORD_SUFFIX_RE.sub("", w) for w in own}, key=len, reverse=True):
        at = text.find(word)
        if at >= 0 and not any(a <= at < b or at <= a < at + len(word) for a, b, _ in spans):
            spans.append((at, at + len(word), word))
    for colour in colours_named(text):
        at = text.find(colour)
        if at >= 0 and not any(a <= at < b for a, b, _ in spans):
            spans.append((at, at + len(colour), colour))
    colours = sorted((a, 0, w) for a, _, w in spans)
    sizes = []
    for size in sizes_named(text):
        found = re.search(rf"(?<![a-z0-9]){re.escape(size.lower())}(?![a-z0-9])", text)
        sizes.append((found.start() if found else len(text), 1, size))
    said = {size for _, _, size in sizes}
    for size in _number_sizes(product) - said:
        if found := re.search(rf"(?<![\d.]){size}{_NOT_A_BARE_SIZE_AFTER}", text):
            sizes.append((found.start(), 1, size))
    return colours, sorted(sizes)


# What may not follow a bare number for it to be a size ("栗色37和黑色37", not "37元", "37.5", "37岁").
_NOT_A_BARE_SIZE_AFTER = r"(?![\d.%a-z元块岁斤个件天月点分折号])"


def _number_sizes(product: Product) -> frozenset[str]:
    """The sizes a product is sold in that are plain numbers ("37" of "栗色 37", "27" of "浅蓝 27"):
    said bare beside a version word they are that size, as "37码" is."""
    return frozenset(word for sku in product.skus for word in sku.spec.split()[1:] if word.isdigit())


def skus_holding(product: Product, word: str) -> list[Sku]:
    """The SKUs whose spec holds ``word`` ("60包" -> "25g×60包", "黑色青轴" -> "黑色 青轴"): the versions
    a line that names it asks about; [] when no spec does."""
    if not word:
        return []
    held = [s for s in product.skus if _spec_has(s.spec, word)]
    if held:
        return held
    core = re.sub(r"(?<=..)(?:味|口味|版|装)$", "", word)  # "白茶味" of a candle sold as "白茶 200g"
    held = [s for s in product.skus if _spec_has(s.spec, core)] if core != word else []
    added = word[1:] if len(word) > 2 and word[0] in "加带" else ""  # "加旅行装" of "50g+15g旅行装"
    return held or ([s for s in product.skus if "+" in s.spec and _spec_has(s.spec, added)] if added else [])


def _spec_has(spec: str, wanted: str) -> bool:
    spec_l, wanted_l = spec.lower(), wanted.lower()
    if LETTER_SIZE_RE.fullmatch(wanted_l):
        return wanted_l in re.split(r"[\s/,()（）码]+", spec_l)
    if wanted_l in spec_l or (" " not in wanted_l and wanted_l in spec_l.replace(" ", "")):
        return True
    # "黑色" matches a spec "黑", "XL码" matches "XL"
    core = wanted_l.removesuffix("色").removesuffix("码").removesuffix("款")
    if not core:
        return False
    if core.isascii():
        return core in spec_l.replace("码", " ").split() or f" {core} " in f" {spec_l} "
    if core in spec_l:
        return True
    # a version named by its words run together, each short of the spec's ("保湿400" of "保湿款 400ml",
    # "黑色xl" of "黑色 XL"): every word and number of it in the spec, numbers whole
    parts = _VERSION_PARTS_RE.findall(core)
    if len(parts) >= 2 and all(_part_in_spec(part, spec_l) for part in parts):
        return True
    return _spec_words_in_any_order(spec_l, wanted_l)


def _spec_words_in_any_order(spec_l: str, wanted_l: str) -> bool:
    """Whether the wanted words are two or more of the spec's own words run together in any order
    ("遥控款白色" of "白色 遥控款"): each spec word (or it without 色 / 款) used at most once."""
    words = [w for w in re.split(r"[\s+×*/()（）]+", spec_l) if w]
    # a colour may be typed without 色 ("遥控款白" of "白色 遥控款"), a version without 款
    forms = {w for w in words if len(w) >= 2} | {w.removesuffix("色") for w in words if w.endswith("色")}
    forms |= {w.removesuffix("款") for w in words if len(w) >= 3 and w.endswith("款")}
    ordered = sorted(forms - {""}, key=len, reverse=True)
    rest, used = wanted_l, 0
    while rest:
        form = next((f for f in ordered if rest.startswith(f)), None)
        if form is None:
            return False
        rest, used = rest[len(form) :], used + 1
    return used >= 2


_VERSION_PARTS_RE = re.compile(r"\d+(?:\.\d+)?|[a-z]+|[\u4e00-\u9fff]+")


def _part_in_spec(part: str, spec_l: str) -> bool:
    if part[0].isdigit():
        return re.search(rf"(?<![\d.]){re.escape(part)}(?![\d.])", spec_l) is not None
    if part.isascii():
        return re.search(rf"(?<![a-z]){re.escape(part)}(?![a-z])", spec_l) is not None
    core = part.removesuffix("色").removesuffix("款")
    return bool(core) and core in spec_l


def skin_variants(product: Product) -> dict[str, list[Sku]]:
    """For products sold in skin-type variants: skin type -> the SKUs that suit it."""
    out: dict[str, list[Sku]] = {}
    for skin, words in SKIN_VARIANT_WORDS.items():
        hits = [s for s in product.skus if any(w in s.spec for w in words)]
        if hits and len(hits) < len(product.skus):
            out[skin] = hits
    return out


def product_label(product: Product) -> str:
    """How a product is named to viewers: "3号链接 丝绒哑光口红"."""
    return f"{product.link_no}号链接 {product.name}" if product.link_no is not None else product.name
