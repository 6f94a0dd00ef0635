"""Follow-up questions keep the viewer's previous intent ("那黑色的呢", "6斤的呢", "它保价吗")."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from assistant.danmaku.attributes import without_names
from assistant.danmaku.catalog_words import product_names
from assistant.danmaku.dialogue import ViewerDialogue
from assistant.danmaku.intent import about_own_order, asks_warranty, is_followup_reference, version_asked
from assistant.danmaku.resolve import skus_holding
from assistant.danmaku.slot_rules import extract_slots, says_only_details, strip_slot_words
from assistant.danmaku.types import Intent, Slots, Understanding
from knowledge.domain import Product

# A fragment that goes on from the last question: "茶轴呢", "好的 那旅行装呢", "带铲子的那个呢", or
# "那10片的" (a version pointed at with 那); group 1 is the detail or version named.
_ACKNOWLEDGED = r"(?:(?:好的|好吧|哦+|噢|嗯+|ok)[\s，,。]*)?"
_FRAGMENT_RES = (
    # 那 with a counter before the goods ("那件开衫呢", "那双靴子呢")
    re.compile(
        rf"^{_ACKNOWLEDGED}(?:那(?:个|种|款|件|条|双|套|瓶|支|盒|台|只)?)?(.{{1,6}}?)的?(?:那个|那款|那种)?(?:呢|咧)[?]?$"
    ),
    re.compile(rf"^{_ACKNOWLEDGED}那(?:个|种|款)?(.{{1,6}}?)的[?]?$"),
)


def _fragment(text: str) -> re.Match[str] | None:
    """The fragment ``text`` is (``_FRAGMENT_RES``), or None."""
    for pattern in _FRAGMENT_RES:
        match = pattern.match(text)
        if match is not None:
            return match
    return None


# A fragment that points at the product in view rather than naming a version ("这个呢"): no variant.
_POINTS_AT_PRODUCT_RE = re.compile(r"^(?:这|那)(?:个|款|件|条|双|套|瓶|支|只|盒|种|把|台)?$|^它$")
# A fragment that names a link and nothing else ("10号链接", "3号", "链接5")
_LINK_ONLY_RE = re.compile(r"\d{1,3}号(?:链接)?|链接\d{1,3}")
# Who pays the postage, asked alone ("运费谁出", "那邮费呢", "来回运费谁承担"): after a return or an
# exchange asked about, the postage of sending the goods back, never the delivery fee.
_POSTAGE_ALONE_RE = re.compile(
    r"^(?:那|那么|那这个)?(?:来回的?|寄回的?|退回的?)?(?:运费|邮费|快递费)"
    r"(?:谁出|谁承担|谁付|谁负责|谁来出|我出吗|要我出吗|要自己出吗|自己出吗|怎么算|呢|吗)?[?!.~\s]*$"
)
FOLLOWUP_MAX_CHARS = 12  # a longer line says more than a follow-up
# A follow-up comes right after the answer it follows (seconds). The dialogue itself is kept longer
# (``StateOptions.dialogue_ttl_s``) for lines that name their reference ("那黑色的呢", "它保价吗");
# a bare detail minutes later ("广东", "人呢") is chat or an answer to the host.
FOLLOWUP_WINDOW_S = 90.0
# A detail alone, without 呢, follows only a question it changes the answer of: a colour or size a
# question about versions or size, a region one about shipping, the body one about size.
_VERSION_DETAIL_INTENTS = frozenset(
    {Intent.PRICE, Intent.STOCK, Intent.VARIANT, Intent.DISCOUNT, Intent.FLASH_SALE, Intent.SIZE}
)


def continues_dialogue(
    understanding: Understanding,
    dialogue: ViewerDialogue | None,
    at: datetime,
    in_view: Sequence[Product],
    named: Sequence[Product] = (),
) -> bool:
    """Whether a short line continues the viewer's last question, asked at most
    ``FOLLOWUP_WINDOW_S`` before ``at``: a fragment ending in 呢 that names a detail of that question
    (a colour, size, region, the body) or a version of the products in view (``in_view``: the one
    on stage and the one the dialogue is about) ("茶轴呢", "那甘肃呢", "混色L呢"), or "这个呢" once the
    host has moved on to another product, or a product of the cart by its name ("那件开衫呢": ``named``,
    the products the line names); or nothing but a detail that changes that question's answer
    ("还是换L吧" after a stock question, "65公斤" after size advice). Chat stays chat: "人呢", "你呢",
    "真好看呢", "广东" after a price question, "黑色好看" (an opinion with a detail in it)."""
    if dialogue is None or dialogue.intent is None:
        return False
    if (at - dialogue.updated_at).total_seconds() > FOLLOWUP_WINDOW_S:
        return False
    text = understanding.normalized.strip()
    if not text or len(text) > FOLLOWUP_MAX_CHARS:
        return False
    fragment = _fragment(text)
    if fragment is not None:
        word = fragment.group(1)
        if _POINTS_AT_PRODUCT_RE.match(word):  # "这个呢": the same question of the product now on stage
            return any(p.product_id != dialogue.product_id for p in in_view[:1])
        if _LINK_ONLY_RE.fullmatch(word):  # "10号链接呢": the same question of that link's product
            return True
        if _names_product(word, in_view[:1]):  # "抽纸呢" as the host presents it: the same question
            return in_view[0].product_id != dialogue.product_id
        # "那件开衫呢" after a price question about the jeans: the same question of the product named
        if any(p.product_id != dialogue.product_id for p in named) and _names_product(word, named):
            return True
        slots = extract_slots(word)
        detail = (
            slots.color
            or slots.size
            or slots.measured
            or (slots.region and dialogue.intent is Intent.SHIPPING)
        )
        return bool(detail) or any(skus_holding(p, word) for p in in_view)
    slots = extract_slots(text)
    if not says_only_details(text, slots):
        return False
    if slots.measured:
        return dialogue.intent is Intent.SIZE
    if slots.region:
        return dialogue.intent is Intent.SHIPPING
    return dialogue.intent in _VERSION_DETAIL_INTENTS


def _names_product(word: str, products: Sequence[Product]) -> bool:
    """Whether ``word`` is a name of one of ``products`` or the head word a name ends in ("抽纸" of
    the tissues, "面霜" of 玻色因紧致面霜)."""
    word = word.lower()
    return len(word) >= 2 and any(n.lower().endswith(word) for p in products for n in product_names(p))


def carry_over_intent(
    understanding: Understanding, dialogue: ViewerDialogue | None, in_view: Sequence[Product] = ()
) -> Understanding:
    """A follow-up fragment keeps the viewer's previous intent: "那黑色的呢" after a price question
    asks the black variant's price; "6斤的呢" after a price question about a quilt asks the price of
    the 6斤 variant (not a size question). "这个呢" after a question of no known kind asks its words
    again ("续航多久"), without the names of the product it was about; "运费谁出" after a return or
    exchange question asks the postage back (``_POSTAGE_ALONE_RE``). ``in_view``: the product on stage
    and the one the dialogue is about."""
    if dialogue is None or dialogue.intent is None or version_asked(understanding.normalized):
        return understanding  # "白色遥控的有吗" after a price question: whether it is there
    if (
        dialogue.intent is Intent.AFTER_SALES
        and dialogue.asked
        and not asks_warranty(dialogue.asked)  # "保修多久" then "那邮费呢": the delivery fee
        and not about_own_order(dialogue.asked)  # "我要退货" then "运费谁出": their own return's
        and _POSTAGE_ALONE_RE.match(understanding.normalized)
    ):
        return replace(understanding, intent=Intent.AFTER_SALES)  # "能换货吗" then "运费谁出": 运费险
    asked_before = next((p for p in in_view if p.product_id == dialogue.product_id), None)
    fragment = _fragment(understanding.normalized)
    word = fragment.group(1) if fragment is not None else ""
    # a link or a version of the product asked about names what is asked of, whatever its own words
    # read as ("儿童款呢" after a price question is the price of the children's milk, "10号链接呢")
    names_what = bool(_LINK_ONLY_RE.fullmatch(word)) or (
        bool(word) and asked_before is not None and bool(skus_holding(asked_before, word))
    )
    if fragment is not None and (understanding.intent in (Intent.OTHER, Intent.SIZE) or names_what):
        if _POINTS_AT_PRODUCT_RE.match(word) and dialogue.intent is Intent.OTHER and dialogue.asked:
            asked = without_names(asked_before, dialogue.asked) if asked_before else dialogue.asked
            if asked.strip():  # a last line that was nothing but the product's name asks nothing again
                understanding = replace(understanding, normalized=asked.strip())
        slots = understanding.slots
        pointed = (
            _POINTS_AT_PRODUCT_RE.match(word)
            or _LINK_ONLY_RE.fullmatch(word)
            or _names_product(word, in_view)
        )
        if slots.color is None and slots.size is None and not pointed:
            slots = replace(slots, variant_hint=word, weight_kg=None, height_cm=None, girth=None)
        return _continued(understanding, dialogue, slots)
    if understanding.intent is not Intent.OTHER:
        return understanding
    if understanding.slots == Slots() and not is_followup_reference(understanding.normalized):
        return understanding
    if _OWN_QUESTION_RE.search(understanding.normalized) or _asks_yes_or_no_of_its_own(
        understanding.normalized
    ):
        return understanding  # "刚刚那个音箱续航多久", "它要卸妆吗": a question of its own, not the last one
    return _continued(understanding, dialogue, understanding.slots)


# The intents whose answer differs between the versions of a product: a colour or size that follows
# any other question ("混色L呢" after "能退吗", "那白色L" after size advice) asks whether it is there.
VERSIONED_INTENTS = frozenset(
    {Intent.PRICE, Intent.STOCK, Intent.VARIANT, Intent.DISCOUNT, Intent.FLASH_SALE}
)
# A question word of the line's own ("续航多久", "什么材质"): it asks something, not the last question again.
_OWN_QUESTION_RE = re.compile(r"多少|多久|多长|多大|多重|多高|什么|怎么|如何|哪|为什么|几")


# What a yes/no follow-up may hold besides the thing it asks ("它也有吗", "50ml也一样吗", "双支装也是这个
# 价吗": the last question again, of another version): pronouns, 那, adverbs of "also, still", 是 / 有 /
# 的, the same again (一样, 这个价, 可以), versions and sizes, and the question's end.
_FOLLOWUP_FILLER_RE = re.compile(
    r"它们?|那个|那款|那|这个价|这个|这款|一样|同价|这样|可以|行|还|也|都|是|有|的|呢|吗|么|嘛|不|没|"
    r"\d+(?:\.\d+)?\s*(?:ml|g|kg|l|cm|毫升|克|码|寸)?|[\u4e00-\u9fff]{1,4}?[装款版]|[a-z]+|[\s?!,.~]"
)


def _asks_yes_or_no_of_its_own(normalized: str) -> bool:
    """Whether a yes/no question holds a predicate of its own once the follow-up fillers and the
    slot words are gone ("它要卸妆吗" -> 要卸妆, "它防水吗" -> 防水): it asks that, not the viewer's
    last question again ("它也有吗", "黑色也有吗", "50ml也一样吗", "双支装也是这个价吗" hold nothing else)."""
    text = normalized.strip()
    if not re.search(r"[吗么嘛]\??$|(\w)不\1", text):
        return False
    slots = extract_slots(text)
    if slots.color or slots.size or slots.variant_hint:
        return False  # "黑色能秒吗" after a flash-sale question: the last question, of that version
    return len(_FOLLOWUP_FILLER_RE.sub("", strip_slot_words(text))) >= 2


def _continued(understanding: Understanding, dialogue: ViewerDialogue, slots: Slots) -> Understanding:
    """The follow-up asking the previous question again with its own slots and what the viewer told
    of themselves before ("这个呢" after "孕妇能用吗" asks for a pregnant viewer). A colour or size
    alone after a question its versions do not change ("要黑色的" after size advice, "混色L呢" after a
    return question) asks whether that version is there."""
    intent = dialogue.intent or understanding.intent
    if (slots.color or slots.size) and not slots.measured and intent not in VERSIONED_INTENTS:
        intent = Intent.STOCK
    return replace(understanding, intent=intent, slots=slots.filled_from(dialogue.viewer))


def version_named_alone(normalized: str, product: Product | None) -> str:
    """The version of the product in view a fragment names with no question of the viewer's to go
    on from ("50ml呢", "钢带的呢" as a first line): in a live room such a line asks what that version
    costs (its price answer also says whether it is sold out); "" when the line is no such fragment
    or no spec of the product holds the detail ("人呢", "红色呢" of a product sold in other colours)."""
    match = _fragment(normalized.strip()) if product is not None else None
    if match is None or product is None:
        return ""
    detail = match.group(1).strip()
    return detail if len(detail) >= 2 and skus_holding(product, detail) else ""
