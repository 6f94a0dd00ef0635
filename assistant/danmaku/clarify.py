"""Clarifying questions and the viewer's answer to them.

When a question is ambiguous (several products match, nothing is on stage, a product is sold in
skin-type variants and the viewer did not say which suits them) the assistant asks back and stores a
``PendingClarification``. The viewer's next message answers it when it names one of the options
("油皮", "3号", "口红那个"), or says yes to a question with one option; otherwise it is treated as a
new question.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from assistant.danmaku.dialogue import ClarifyOption, PendingClarification
from assistant.danmaku.resolve import Resolution
from assistant.danmaku.types import Triage, Understanding
from knowledge.domain import Catalog, Product

_LINK = re.compile(r"(\d{1,4})\s*号")
_BARE_NUMBER = re.compile(r"^\s*(\d{1,4})\s*$")
# A yes to a question with one option ("您问的是37号链接 保温杯？" - "是的").
_YES_RE = re.compile(
    r"^(是的?|对的?|嗯+|没错|是啊|对啊|对呀|是呀|就是|就是这个|是这个|yes|yep|yeah)[!.~呀啊哦呢嘛吧]*$"
)


@dataclass(frozen=True, slots=True)
class PickedOption:
    understanding: Understanding
    resolution: Resolution


# How viewers name a skin type in a reply ("干性皮肤", "我偏油").
SKIN_SYNONYMS: dict[str, tuple[str, ...]] = {
    "油皮": ("油皮", "油性", "偏油", "出油", "大油田"),
    "混油": ("混油", "混合偏油"),
    "干皮": ("干皮", "干性", "偏干", "干燥"),
    "混干": ("混干", "混合偏干"),
}


def answer_to_pending(
    reply: Understanding, pending: PendingClarification, catalog: Catalog
) -> PickedOption | None:
    """The option the viewer's reply picks, with the original question restored, or None.

    A reply picks an option by link number ("3号"), by one of its words ("油皮", "口红"), by the way
    it names a skin type ("干性皮肤" is 干皮), by a piece of its name ("精华" for 修护精华液), or by a
    yes when there was one option ("是的").
    """
    normalized = reply.normalized
    link = _LINK.search(normalized) or _BARE_NUMBER.match(normalized)
    chosen: ClarifyOption | None = None
    if link is not None:
        number = int(link.group(1))
        product = next((p for p in catalog.products if p.link_no == number), None)
        if product is not None:
            options = [o for o in pending.options if o.product_id == product.product_id]
            chosen = (
                options[0]
                if options
                else (ClarifyOption((), product.product_id) if not pending.options else None)
            )
    if chosen is None:
        chosen = _only(o for o in pending.options if any(k and k in normalized for k in o.keywords))
    if chosen is None:
        chosen = _only(
            o
            for o in pending.options
            if o.sku_id is not None and any(w in normalized for w in SKIN_SYNONYMS.get(o.keywords[0], ()))
        )
    if chosen is None and len(normalized) >= 2:
        chosen = _only(o for o in pending.options if any(normalized in k for k in o.keywords))
    if chosen is None and len(pending.options) == 1 and _YES_RE.match(normalized.strip()):
        chosen = pending.options[0]
    if chosen is None:
        return None
    slots = replace(pending.slots, variant_hint=None, link_no=None)
    if chosen.sku_id is not None and chosen.keywords:
        slots = replace(slots, skin_type=chosen.keywords[0])  # a variant option: keywords[0] is its skin type
    understanding = Understanding(
        normalized=pending.original_text or normalized,
        triage=Triage.QUESTION,
        intent=pending.intent,
        slots=slots,
    )
    return PickedOption(understanding, Resolution(chosen.product_id, "choice"))


def _only(options: Iterable[ClarifyOption]) -> ClarifyOption | None:
    """The option when all hits resolve to one product/SKU, else None (still ambiguous)."""
    hits = list(options)
    return hits[0] if hits and len({(o.product_id, o.sku_id) for o in hits}) == 1 else None


def product_options(products: list[Product]) -> tuple[ClarifyOption, ...]:
    """Options naming each product by link number, name and aliases."""
    return tuple(
        ClarifyOption(
            keywords=tuple(k for k in (product.name, *product.aliases) if k),
            product_id=product.product_id,
        )
        for product in products
    )
