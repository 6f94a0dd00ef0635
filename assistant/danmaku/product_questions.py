"""What a line asks of the products in view, read against their own specs, FAQ and names: the
version it asks whether is there ("60包的有吗"), a count or size the versions are sold by ("一盒几片"),
a body alone for a size chart ("我155 45kg"), goods of the room asked for by name ("有没有牛奶"), and
whether the stage product's own text answers words the catalog lacks ("左撇子能用吗")."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from assistant.danmaku.answering import stated_in_catalog
from assistant.danmaku.answers_product import find_faq
from assistant.danmaku.attributes import ABOUT_THE_HOST, without_names
from assistant.danmaku.brands import asks_another_brand
from assistant.danmaku.catalog_words import product_names
from assistant.danmaku.intent import (
    about_own_order,
    asks_whether_sold,
    coupon_blocked,
    disputes_the_price,
    goods_of_a_kind_asked,
    mentions_a_fault,
    thing_asked_for,
    version_asked,
)
from assistant.danmaku.matcher import ProductMatcher
from assistant.danmaku.resolve import Resolution, skus_holding
from assistant.danmaku.size_chart import SIZE_KEYS, answer_usual_size, says_only_usual_size, usual_size
from assistant.danmaku.slot_rules import age_words, colours_named, extract_slots, says_only_details
from assistant.danmaku.types import Intent, Understanding
from assistant.danmaku.vocabulary import ADDRESSED_VIEWERS, ANDROID_MAKERS, GOODS_HEADS, in_catalog_words
from knowledge.domain import Catalog, Product


def answers_the_words(product: Product, understanding: Understanding, span: str) -> bool:
    """Whether the product's FAQ question or the catalog's own statement that answers the line
    speaks of the words taken for goods the room lacks (``span``, in the catalog's words:
    "左撇子" is the FAQ's "左手能用吗", "直接洗掉" the sentence "可以洗掉淡妆"), and what it does not
    speak of names no goods. A thing of its own ("口罩孕妇能用吗", "铸铁锅电磁炉能用吗")
    is not answered by what the stage product's text says."""
    words = in_catalog_words(span.lower())
    faq = find_faq(product, understanding.normalized)
    said = (
        in_catalog_words(faq.question.lower())
        if faq is not None
        else (stated_in_catalog(product, understanding.normalized, understanding.language) or "").lower()
    )
    spoken = [False] * len(words)
    for i in range(len(words) - 1):
        if words[i : i + 2] in said:
            spoken[i] = spoken[i + 1] = True
    if not any(spoken):
        return False
    # what the answer does not speak of must name no goods ("铸铁锅电磁炉能用吗": a pot of its own;
    # "有卸妆膏吗": the FAQ speaks of 卸妆, not of a 膏)
    if words[-1] in GOODS_HEADS and not spoken[-1]:
        return False
    rest = "".join(" " if done else c for c, done in zip(words, spoken, strict=True)).split()
    return not any(len(r) >= 2 and r[-1] in GOODS_HEADS for r in rest)


# The intents a line asking whether a version is there may have been read with (``version_held``).
VERSION_INTENTS = frozenset({Intent.OTHER, Intent.VARIANT, Intent.STOCK, Intent.HOW_TO_ORDER, Intent.SIZE})


def version_held(normalized: str, product: Product | None) -> str:
    """The version of ``product`` the whole line asks whether it is there ("60包的有吗" -> "60包"
    of nuts sold as 25g×60包; ``intent.version_asked``, also once the product's names are taken out),
    "" when it asks no such thing or no spec of the product holds it."""
    if product is None:
        return ""
    # "锅带盖吗": the product's own name before the version asked names no version
    unnamed = without_names(product, normalized).strip()
    words = [w for w in (version_asked(normalized), version_asked(unnamed)) if w]
    if not words:
        return ""
    held = next((w for w in words if skus_holding(product, w)), "")
    if held:
        return held
    hint = extract_slots(normalized).variant_hint  # "07号有吗": the shade #07
    return hint if hint and skus_holding(product, hint) else ""


# A link said as such at the start of a line ("10号", "10号链接", "链接10").
_LINK_SAID_RE = re.compile(r"^(?:\d{1,3}\s*号(?:链接)?|链接\s*\d{1,3})")
# A size in letters said bare ("黑m", "米白 L"); one in numbers is a word of the specs ("37").
_SIZE_WORD_RE = re.compile(r"(?<![a-z])(?:x{0,3}[sml]|[2-6]?xl)(?![a-z\d])(?:码|号)?")
# A colour of the specs said by its character ("黑m", "11号 白").
SPEC_COLOUR_CHARACTERS = "黑白红蓝绿灰粉紫黄棕"


def version_picked_by_link(normalized: str, linked: Product | None) -> tuple[str, ...] | None:
    """The words of ``linked``'s specs a line says where it says nothing but a link number and versions
    of that link's product ("10号黑色M" -> ("黑色", "m"), "5号豆沙玫瑰", "17号37"), longest first: the
    version picked, whose stock is the answer (never a page to the host for a line with no question).
    None where the line says anything else ("10号好看", "10号冲") or names no version."""
    if linked is None or (link := _LINK_SAID_RE.match(normalized)) is None:
        return None
    rest = normalized[link.end() :]
    said: list[str] = []
    for word in sorted({w.lower() for sku in linked.skus for w in sku.spec.split()}, key=len, reverse=True):
        if word in rest:
            rest = rest.replace(word, " ")
            said.append(word)
    for colour in colours_named(rest):
        if skus_holding(linked, colour):
            rest = rest.replace(colour, " ").replace(colour[:-1], " ")
            said.append(colour)
    for one in SPEC_COLOUR_CHARACTERS:  # a colour of the specs said by its character ("黑m")
        if one in rest and skus_holding(linked, one):
            rest = rest.replace(one, " ")
            said.append(one)
    sized = _SIZE_WORD_RE.sub(" ", rest)
    if (sized == rest and not said) or re.sub(r"[的色码号\s,.~!]", "", sized):
        return None
    return tuple(said)


# A number said with 号 alone ("37号还有吗", "栗色37号"): a link number to the rules, unless it is
# written as one (after 链接 or 第, before 链接) or as a date (after 月).
_NUMBER_HAO_RE = re.compile(r"(?<![\d月.第#])(?<!链接)(\d{2,3})\s*号(?!\s*(?:的)?\s*链接|\d)")
# A number said bare right after a word ("深蓝28", "黑色 38"), no unit, 号 or 码 after it.
_NUMBER_BARE_RE = re.compile(r"(?<=[\u4e00-\u9fff])\s?(\d{2,3})(?![\d.%a-z号码元块岁斤个件天月点分折])")
# A spec word that is a size in numbers ("栗色 37", "浅蓝 27", "36码").
_NUMBER_SIZE_RE = re.compile(r"(\d{2,3})码?")
# Whether a size is there: the only question a size said as N号 is read for ("37号还有吗", "38号有货吗");
# "37号多少钱" or "27号还有直播吗" keep their link or date.
_SIZE_STOCK_ASKED_RE = re.compile(
    r"还有(?:吗|嘛|没|不|货|呢|\?|$)|有吗|有没有|有货|没货|还剩|断码|缺货|有的吗|没了"
)
# What a line of sizes asked may hold besides them: the stock words, joining words, particles and
# the goods' own kind ("37号和38号的鞋还有货吗"); anything else left asks something else.
_SIZE_LINE_WORDS_RE = re.compile(
    r"\d{2,3}码|码|还有|有没有|有货|没货|还剩|断码|缺货|没了|有的|有|请问|主播|姐妹们|宝宝|亲|"
    r"鞋子?|靴子?|裤子?|这个|那个|这双|那双|这条|那条|的|和|跟|与|还|吗|嘛|呢|啊|呀|哦|吧|么|没|不|货|[,.!?~、\s]"
)


# A maker of Android phones said as the viewer's phone in a question whether goods work with it
# ("华为手机能用吗", "小米能连吗", "vivo的可以吗"); not "华为的耳机" (another maker's goods).
_ANDROID_PHONE_RE = re.compile(
    rf"({'|'.join(ANDROID_MAKERS)})(?=(?:手机)?(?:的)?\s*(?:能用|能连|可以用|可以连|可用|兼容|适配|支持|能不能|行吗|行不行|可以吗))"
)


def phone_makers_as_android(normalized: str, matcher: ProductMatcher) -> str:
    """``normalized`` with an Android phone's maker said as 安卓 ("华为手机能用吗" -> "安卓手机能用吗"),
    the word the catalog's compatibility is stated in; unchanged where the room sells goods by that
    name (the maker is then a product asked of)."""

    def platform(m: re.Match[str]) -> str:
        return m.group(0) if matcher.match(m.group(1)).exact else "安卓"

    return _ANDROID_PHONE_RE.sub(platform, normalized)


def sizes_said_as_numbers(normalized: str, product: Product | None, links: frozenset[int]) -> str:
    """``normalized`` with each "N号" that is a size of ``product`` (the one a bare follow-up is asked
    of: the viewer's last, else the stage's) written "N码", where the line asks nothing but whether
    sizes of it are there ("37号还有吗", "栗色37号有吗", "37号和38号有货吗" of snow boots sold in 36-39:
    the sizes, not link 37): a size the viewer reads off the product in front of them wins over a
    link number that happens to share it. The line stays as it is where it asks anything else or
    names anything else ("37号有没有秒杀", "37号水杯还有货吗", "37号奶白和墨黑有货吗", "明天28号还有吗"),
    where a number is written as a link ("37号链接", "第37个"), and for a number in ``links`` (those of
    the products in view) or no size of the product."""
    if product is None or _SIZE_STOCK_ASKED_RE.search(normalized) is None:
        return normalized
    sizes = {
        m.group(1)
        for sku in product.skus
        for word in sku.spec.split()
        if (m := _NUMBER_SIZE_RE.fullmatch(word)) is not None
    } - {str(n) for n in links}
    if not sizes:
        return normalized
    sized = _NUMBER_HAO_RE.sub(lambda m: f"{m.group(1)}码" if m.group(1) in sizes else m.group(0), normalized)
    # and said bare after a version word ("深蓝28有吗", "黑色38有吗": a size, sold or not in that colour)
    sized = _NUMBER_BARE_RE.sub(lambda m: f"{m.group(1)}码" if m.group(1) in sizes else m.group(0), sized)
    if sized == normalized:
        return normalized
    rest = sized
    own = sorted({w for sku in product.skus for w in sku.spec.split()}, key=len, reverse=True)
    for word in own:  # the product's own version words ("栗色"), then colours it is sold in ("黑的")
        rest = rest.replace(word.lower(), " ")
    for colour in colours_named(rest):
        if skus_holding(product, colour):
            rest = rest.replace(colour, " ").replace(colour[:-1], " ")
    return sized if not _SIZE_LINE_WORDS_RE.sub("", rest) else normalized


# How many or how big one is asked: "一盒几片", "几斤装", "多少包", "多大的", "几寸" (group 1: the unit)
_COUNT_ASKED_RE = re.compile(
    r"(?:几|多少)(片|条|包|斤|支|盒|袋|粒|颗|双|瓶|卷|抽|层|寸|cm|厘米|g|克|ml|毫升)装?(?:的|啊|呀|呢|吗|\?)*$"
    r"|多大(?:的|个|号)?(?:啊|呀|呢|吗|\?)*$"
)
_SIZE_UNITS = r"(?:cm|mm|厘米|寸|ml|l|升|g|克|斤)"


# How often or how much at a time ("一天吃几包", "一次放几颗"): a dose, not what a version holds.
_DOSE_RE = re.compile(r"(?:[1一]天|每天|[1一]次|每次|[1一]顿|[1一]周)(?:要|能|可以)?(?:吃|喝|用|放|敷|抽|泡)")


@lru_cache(maxsize=64)
def _counted_in(unit: str) -> re.Pattern[str]:
    return re.compile(rf"\d\s*{unit}", re.IGNORECASE)


def counted_by_versions(normalized: str, product: Product | None) -> bool:
    """Whether the line asks how many or how big one is ("面膜一盒几片", "橙子几斤装", "锅多大的") and the
    product's versions are counted in that unit ("5片/盒", "5斤 中果", "32cm 带盖"): the list of the
    versions answers it. A product with its own size attribute answers "多大" from that instead; a
    dose ("一天吃几包") or the host ("主播多大") is no question of the versions."""
    match = _COUNT_ASKED_RE.search(normalized.strip()) if product is not None else None
    if match is None or product is None or len(product.skus) < 2:
        return False
    if _DOSE_RE.search(normalized) or any(w in normalized for w in ABOUT_THE_HOST):
        return False
    unit = re.escape(match.group(1)) if match.group(1) else _SIZE_UNITS
    if not match.group(1) and any(k in product.attributes for k in ("尺寸", "体积", "规格")):
        return False
    held = _counted_in(unit)
    return any(held.search(sku.spec) for sku in product.skus)


# Words of a version the viewer cannot buy or finds gone ("拍不了", "买不了", "下单不了", "显示无货",
# "怎么没了", "灰了"), and the fillers that may stand between the version and them.
_CANNOT_BUY_RE = re.compile(
    r"(?:拍|买|下单|加购|付款|抢|选|点)(?:不了|不到|不上|不进去|不动)|下不了单|"
    r"无货|没货|缺货|断货|售罄|卖完|抢光|没库存|没了|灰了|下架"
)
# What else may be gone ("75ml的优惠怎么没了", "赠品没了", "色号图没了", "一瓶多久就没了"): no stock.
_NOT_THE_STOCK_RE = re.compile(r"优惠|券|赠品|小样|送的|图|链接|秒杀|活动|价|多久|几天")
_SHADE_NUMBER_RE = re.compile(r"#?\d{1,3}号?")
_CANNOT_BUY_FILLER_RE = re.compile(
    rf"怎么|咋|为什么|为啥|一直|显示|已经|又|都|还是|就|是|的|了|啊|呀|呢|吗|请问|主播|{ADDRESSED_VIEWERS}|[\s,.!?~]"
)


def version_cannot_be_bought(normalized: str, product: Product | None) -> str:
    """The version of ``product`` a line says cannot be bought or is gone ("墨黑怎么没了", "75ml怎么
    买不了了", "黑色xl一直显示无货", "05号怎么拍不了啊" -> "#05"): whether it is sold out is what the
    viewer needs; "" when the line names no version its specs hold before those words (and nothing
    else), tells of something else gone ("75ml的优惠怎么没了": ``_NOT_THE_STOCK_RE``), or is about the
    viewer's own order ("我买的75ml怎么没了": a parcel, not the stock)."""
    match = _CANNOT_BUY_RE.search(normalized) if product is not None else None
    if (
        match is None
        or product is None
        or about_own_order(normalized)
        or _NOT_THE_STOCK_RE.search(normalized)
    ):
        return ""
    detail = _CANNOT_BUY_FILLER_RE.sub("", without_names(product, normalized[: match.start()]))
    if len(detail) < 2:
        return ""
    if skus_holding(product, detail):
        return detail  # all that stands before the words is the version
    hint = extract_slots(detail).variant_hint  # "05号": the shade #05, a number and nothing else
    return hint if hint and _SHADE_NUMBER_RE.fullmatch(detail) and skus_holding(product, hint) else ""


def complains_of_the_sale(normalized: str, product: Product | None) -> bool:
    """Whether a line, whatever its tone, complains of the sale in a way the catalog answers: a price
    told against the one seen ("主播说359怎么我这还是459"), a coupon not claimed ("店铺券领不了啊"), or a
    version of ``product`` that cannot be bought ("墨黑怎么没了")."""
    return (
        disputes_the_price(normalized)
        or coupon_blocked(normalized)
        or bool(version_cannot_be_bought(normalized, product))
    )


def read_complaint(understanding: Understanding, product: Product) -> tuple[Understanding, bool] | None:
    """A complaint of the sale about ``product`` read as the question it asks, and whether the
    catalog answers it (False: a person must): a version that cannot be bought asks its stock, read
    from the version alone ("灰的" is the button, no colour), and versions all in stock that cannot be
    bought are a person's problem; a price disputed asks the price; a coupon not claimed, the coupons.
    None for no such complaint."""
    normalized = understanding.normalized
    version = version_cannot_be_bought(normalized, product)
    if version:
        named = extract_slots(version)
        slots = replace(understanding.slots, color=named.color, size=named.size, variant_hint=version)
        in_stock = all(sku.stock > 0 for sku in skus_holding(product, version))
        return replace(understanding, intent=Intent.STOCK, slots=slots), not in_stock
    if disputes_the_price(normalized):
        return replace(understanding, intent=Intent.PRICE), True
    if coupon_blocked(normalized):
        return replace(understanding, intent=Intent.DISCOUNT), True
    return None


BODY_LINE_MAX_CHARS = 24  # "身高165cm 体重52.5kg 腰围2尺2" fits; a longer line says more than the body


def gives_a_body_to_size(normalized: str, product: Product | None) -> bool:
    """Whether the line gives nothing but the viewer's body ("我155 45kg", "腰围2尺2") while a
    product with a size chart is in view: which size to take, asked the way live rooms ask it."""
    if product is None or len(normalized) > BODY_LINE_MAX_CHARS:
        return False
    if not any(key in product.attributes for key in SIZE_KEYS):
        return False
    slots = extract_slots(normalized)
    return slots.measured and says_only_details(normalized, slots)


def gives_a_usual_size(normalized: str, product: Product | None) -> bool:
    """Whether the line tells nothing but the shoe size the viewer usually wears ("我平时穿38",
    "雪地靴我平时穿38") while a product whose size advice maps a usual size is in view: which size
    to take."""
    if product is None or len(normalized) > BODY_LINE_MAX_CHARS:
        return False
    usual = usual_size(normalized)  # and the chart says how a usual size maps (shoes, not a coat)
    if usual is None or answer_usual_size(product, usual) is None:
        return False
    return says_only_usual_size(without_names(product, normalized))


def names_goods_sold(
    understanding: Understanding, matcher: ProductMatcher, catalog: Catalog
) -> tuple[str, ...]:
    """The products whose name or alias is the whole thing the line asks whether the room has
    ("有没有牛奶" -> the milk; ``intent.thing_asked_for``), () when it asks no such thing or a thing that
    is more than a name ("男士洗面奶有吗" asks whether the cleanser suits men; "有没有人")."""
    thing = thing_asked_for(understanding.normalized)
    if not re.search(r"[\u4e00-\u9fff]", thing):  # "有没有qq": letters are some alias, never goods asked for
        return ()
    return tuple(
        product_id
        for product_id in matcher.match(thing).exact
        if (product := catalog.product(product_id)) is not None
        and thing in (n.lower() for n in product_names(product))
    )


# Someone named as the owner of something else ("宝宝的衣服", "孩子的房间").
_WHOSE_RE = re.compile(
    "(?:" + "|".join(w for group in ("儿童", "婴儿", "老人", "孕妇") for w in age_words(group)) + ")的"
)
# Whether it suits them, as asked ("能吃吗", "能用这个吗", "适合吗", "会不会太油", "会刺痛吗").
_SUITS_RE = re.compile(
    r"(?:能|可以|可不可以|能不能)(?:用|吃|喝|穿|戴|涂|擦|盖|敷|洗)|适合|合适|会不会|会[\u4e00-\u9fff]{1,3}吗"
)
# The goods used already, or what using them did ("吃了一直咳嗽", "用完长闭口了"): a person's to read.
_USED_RE = re.compile(
    r"(?:用|吃|喝|擦|涂|抹|敷|穿|戴|洗|盖|睡)(?:了|完|过)|起疹|疹子|过敏了|拉肚子|咳嗽|长痘|爆痘|闭口|红肿|发炎|不舒服"
)
# The kinds of question a viewer's own situation goes with before buying ("我油皮 会不会太油").
_SITUATED_INTENTS = frozenset({Intent.SUITABILITY, Intent.USAGE, Intent.OTHER})


def asks_with_own_situation(understanding: Understanding) -> bool:
    """Whether the line tells a skin or an age (or a pregnancy) beside a question of whether or how
    the product suits them ("我油皮 这个会不会太油", "我家宝宝两岁能吃吗"), with nothing of an order,
    of goods gone wrong or of goods used already: a question before buying, which the product's own
    FAQ or attributes may answer, however much the "我" reads like a claim. Such a line is asked
    of the product's own words on that skin or age before any person sees it."""
    normalized = understanding.normalized
    if understanding.intent not in _SITUATED_INTENTS or _SUITS_RE.search(normalized) is None:
        return False
    if understanding.slots.skin_type is None and understanding.slots.age is None:
        return False
    # the viewers addressed ("宝宝们 这个能用吗") are no age; whose things ("宝宝的衣服") say whom
    # the things are for, not whom the product suits
    told = _WHOSE_RE.sub(" ", re.sub(ADDRESSED_VIEWERS, " ", normalized))
    slots = extract_slots(told)
    return (
        (slots.skin_type is not None or slots.age is not None)
        and not about_own_order(normalized)
        and not mentions_a_fault(normalized)
        and _USED_RE.search(normalized) is None
    )


def asks_for_unlisted_goods(normalized: str, resolution: Resolution, catalog: Catalog) -> bool:
    """Whether the line asks if the room has goods its catalog does not list: another maker's
    ("有没有特仑苏", "有戴森的暖风机吗"), or goods of a kind no product is called ("有没有蚕丝被" with a
    down quilt on stage, "有没有欧包"; ``intent.goods_of_a_kind_asked``)."""
    if (
        resolution.how == "not_sold"
        and (asks_whether_sold(normalized) or version_asked(normalized))
        and asks_another_brand(normalized, catalog)
    ):
        return True
    kind = goods_of_a_kind_asked(normalized)
    if not kind or resolution.how not in ("not_sold", "stage"):
        return False
    product = catalog.product(resolution.product_id) if resolution.product_id is not None else None
    return product is None or not any(kind in name.lower() for name in (product.name, *product.aliases))
