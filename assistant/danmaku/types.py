"""Types shared by the stages of the danmaku pipeline (normalise -> triage -> resolve -> answer)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum


class Triage(StrEnum):
    """What a danmaku is, before anything else is done with it."""

    QUESTION = "question"  # a question for the assistant: answered
    CHATTER = "chatter"  # praise, greetings, 666, 来了: no answer
    SPAM = "spam"  # ads, links, repeated junk: no answer
    ABUSE = "abuse"  # insults: no answer, never echoed
    STEERING = "steering"  # attempts to change the bot's instructions: a fixed safe reply or none


class Intent(StrEnum):
    PRICE = "price"  # 多少钱
    DISCOUNT = "discount"  # 有优惠吗 / 有券吗 / 满减吗
    FLASH_SALE = "flash_sale"  # 还有多久结束 / 几点开抢 / 秒杀价
    PRICE_PROTECTION = "price_protection"  # 保价吗 / 买了降价怎么办
    STOCK = "stock"  # 还有吗 / L码有吗
    SHIPPING = "shipping"  # 发什么快递 / 几天到 / 包邮吗 / 新疆发吗
    SIZE = "size"  # 165/110穿什么码
    VARIANT = "variant"  # 有黑色吗 / 哪个颜色
    MATERIAL = "material"  # 什么面料
    SUITABILITY = "suitability"  # 敏感肌能用吗 / 孕妇 / 几岁
    USAGE = "usage"  # 怎么用
    AFTER_SALES = "after_sales"  # 能退吗 / 运费险 / 保修
    HOW_TO_ORDER = "how_to_order"  # 怎么买 / 几号链接
    OTHER = "other"  # anything else: FAQ, retrieval + LLM, or handoff


# How urgently a handoff needs the host, lowest first. A viewer asking about price, stock, size,
# variant, shipping or how to order is deciding whether to buy *now*, while the product is on
# stage: an unanswered one is a lost sale, so these come first (PURCHASE). A claim about an order
# already placed (returns, price protection, "my parcel", a complaint) matters as much to the viewer
# but does not expire with the stage and usually needs the order system, not the host's voice
# (AFTER_SALES). Anything else (open questions, chat that reached a person) comes last (OTHER).
HANDOFF_PURCHASE, HANDOFF_AFTER_SALES, HANDOFF_OTHER = 0, 1, 2
_PURCHASE_INTENTS = frozenset(
    {
        Intent.PRICE,
        Intent.DISCOUNT,
        Intent.FLASH_SALE,
        Intent.STOCK,
        Intent.SHIPPING,
        Intent.SIZE,
        Intent.VARIANT,
        Intent.MATERIAL,
        Intent.SUITABILITY,
        Intent.HOW_TO_ORDER,
    }
)
_AFTER_SALES_INTENTS = frozenset({Intent.AFTER_SALES, Intent.PRICE_PROTECTION})


def handoff_rank(intent: str, own_order: bool) -> int:
    """The rank of a handed-off question (``HANDOFF_*``, lower = sooner). ``own_order``: the line is
    about the viewer's own order, purchase or claim (``intent.about_own_order``): after-sales
    whatever intent its words suggest ("我买的怎么还没发货" is a claim, not a shipping question)."""
    if own_order or intent in _AFTER_SALES_INTENTS:
        return HANDOFF_AFTER_SALES
    return HANDOFF_PURCHASE if intent in _PURCHASE_INTENTS else HANDOFF_OTHER


class ReplySource(StrEnum):
    CATALOG = "catalog"
    FAQ = "faq"
    LLM = "llm"
    FALLBACK = "fallback"
    CLARIFY = "clarify"
    HANDOFF = "handoff"


# The slots that describe the viewer, not a version of a product (``Slots.about_viewer``).
VIEWER_DETAILS = ("height_cm", "weight_kg", "girth", "skin_type", "age", "region")


@dataclass(frozen=True, slots=True)
class Slots:
    """Details pulled out of a question; every field optional."""

    height_cm: int | None = None
    weight_kg: float | None = None  # converted from 斤 when the viewer says 斤 (1 斤 = 0.5 kg)
    size: str | None = None  # "L", "XL", "160/84A" ...
    color: str | None = None  # "黑色"
    skin_type: str | None = None  # "油皮", "干皮", "敏感肌", "混合皮"
    age: str | None = None  # "3岁", "孕妇", "老人"
    region: str | None = None  # "新疆" (shipping questions)
    link_no: int | None = None  # "3号链接"
    variant_hint: str | None = None  # free text naming a variant ("控油款", "大瓶")
    quantity: int | None = None  # units to buy, 2 or more ("买10个多少钱", "三瓶一起多少")
    # a body girth named with its measure, in cm: ("腰围", 73.3) from "腰围2尺2" (1 尺 = 10 寸 = 33.3 cm)
    girth: tuple[str, float] | None = None

    @property
    def measured(self) -> bool:
        """Whether the viewer gave a body measure (height, weight or a girth)."""
        return bool(self.height_cm or self.weight_kg or self.girth)

    def about_viewer(self) -> Slots:
        """Only what the viewer told of themselves (body, age, skin, region: ``VIEWER_DETAILS``),
        which still holds for their next question, whatever product it is about."""
        return Slots(**{name: getattr(self, name) for name in VIEWER_DETAILS})

    def filled_from(self, earlier: Slots) -> Slots:
        """These slots with each of ``VIEWER_DETAILS`` they lack taken from ``earlier``."""
        missing = {n: getattr(earlier, n) for n in VIEWER_DETAILS if getattr(self, n) is None}
        return replace(self, **{n: v for n, v in missing.items() if v is not None})

    def key(self) -> tuple[object, ...]:
        """A hashable view of the slots, used in the answer-cache key."""
        return (
            self.height_cm,
            self.weight_kg,
            self.size,
            self.color,
            self.skin_type,
            self.age,
            self.region,
            self.link_no,
            self.variant_hint,
            self.quantity,
            self.girth,
        )


@dataclass(frozen=True, slots=True)
class Danmaku:
    """One bullet comment as received (API shape ``{msg_id, viewer_id, nickname, text, ts}``)."""

    msg_id: str
    viewer_id: str
    text: str
    ts: datetime
    nickname: str = ""


@dataclass(frozen=True, slots=True)
class Understanding:
    """What the pipeline understood of one danmaku."""

    normalized: str
    triage: Triage
    intent: Intent = Intent.OTHER
    slots: Slots = field(default_factory=Slots)
    language: str = "zh"  # "zh" or "en": the reply is written in this language


@dataclass(frozen=True, slots=True)
class FurtherAsk:
    """One further clause, understood alone (its slots filled from the whole line's).

    ``stated_only``: the model is unsure of it or takes it for chat alone, so only the product's
    own FAQ, attributes or sentences may answer it, never a template (as for such a line alone).
    ``product_id``: another product the line asks the same question of ("7号和4号多少钱": 4号), None
    for a question of the line's own product."""

    understanding: Understanding
    stated_only: bool = False
    product_id: str | None = None

    def key(self) -> tuple[object, ...]:
        """What of it changes the answer (part of the line's answer-cache key)."""
        u = self.understanding
        return (str(u.intent), u.slots.key(), u.normalized, self.stated_only, self.product_id)
