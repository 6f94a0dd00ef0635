"""What each version of a product costs per gram, millilitre or piece: the catalog's own arithmetic
for "哪个划算" ("120g ¥59.90, 120g×2 双支装 ¥99": the double pack costs less a gram).

A version's amount is read off its spec: a number with a unit of weight, volume or count ("120g",
"5片/盒"), times a pack count after it ("25g×30包" is 750 g, "52颗×2盒" 104 颗), and summed over "+"
("200ml+100ml", "50g+15g旅行装"). Units of one kind are brought to one (kg to g, l to ml). Versions
are compared only where every one in stock is read in the same unit and their amounts differ; else
there is no arithmetic to give, and nothing is said (a colour or a flavour is no amount). 斤 is no
unit of it: a quilt's filling or a box of oranges is weighed in 斤 across sizes and grades.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from assistant.danmaku.answer_templates import format_amount
from knowledge.domain import Product
from knowledge.facts import SkuFacts

# A number and its unit, and a pack count right after it ("25g×30包": 25 g times 30). Weights are
# written in lower case: "128G" is a tablet's storage, no weight.
_AMOUNT_RE = re.compile(
    r"(\d+(?:\.\d+)?)\s*(kg|g|ml|mL|ML|l|L|片|颗|粒|包|袋|抽|支)(?![a-zA-Z])(?:\s*[×xX*]\s*(\d+))?"
)
_ONE_UNIT = {"kg": ("g", Decimal(1000)), "ml": ("ml", Decimal(1)), "l": ("ml", Decimal(1000))}
# Below this a unit, prices are said per 100 units ("¥41.25/100g", "¥1.91/100抽"): two decimals of a
# few cents a gram would make versions look alike that are not; a piece keeps its own price
# ("¥0.86/颗") down to a few cents.
_PER_HUNDRED_BELOW = {"g": Decimal(1), "ml": Decimal(1)}
_PER_HUNDRED_BELOW_A_PIECE = Decimal("0.1")


@dataclass(frozen=True, slots=True)
class Amount:
    value: Decimal
    unit: str  # g, ml, 片 ...


def spec_amount(spec: str) -> Amount | None:
    """The total amount a version holds, or None when its spec states none or mixes units."""
    total, unit = Decimal(0), ""
    for m in _AMOUNT_RE.finditer(spec):
        this_unit = m.group(2).lower() if m.group(2) in ("mL", "ML", "L") else m.group(2)
        value = Decimal(m.group(1)) * (Decimal(m.group(3)) if m.group(3) else 1)
        if this_unit in _ONE_UNIT:
            this_unit, factor = _ONE_UNIT[this_unit]
            value *= factor
        if unit and this_unit != unit:
            return None
        unit = this_unit
        total += value
    return Amount(total, unit) if unit and total > 0 else None


def unit_price_note(product: Product, facts: Sequence[SkuFacts], lang: str = "zh") -> str:
    """Each version in stock at its price per unit, the lowest first ("折合每100g（从低到高）：
    120g×2 双支装 ≈¥41.25/100g，120g ≈¥49.92/100g"), or "" when the versions are not amounts of one
    unit that differ. The order says which costs least; no word of praise ("最省" is an absolute a
    live room may not say)."""
    specs = {sku.sku_id: sku.spec for sku in product.skus}
    priced = []
    for fact in facts:
        if not fact.in_stock:
            continue
        amount = spec_amount(specs.get(fact.sku_id, ""))
        if amount is None:
            return ""
        priced.append((fact.price / amount.value, specs[fact.sku_id], amount))
    amounts = [amount for _, _, amount in priced]
    if len({a.unit for a in amounts}) != 1 or len({a.value for a in amounts}) < 2:
        return ""
    priced.sort(key=lambda p: p[0])
    unit = priced[0][2].unit
    below = _PER_HUNDRED_BELOW.get(unit, _PER_HUNDRED_BELOW_A_PIECE)
    scale = Decimal(100) if priced[0][0] < below else Decimal(1)
    per = f"{'100' if scale > 1 else ''}{unit}"
    said = [f"{spec} ≈{format_amount(price * scale)}/{per}" for price, spec, _ in priced]
    if lang == "en":
        return f"per {per}, lowest first: " + ", ".join(said)
    return f"折合每{per}（从低到高）：" + "，".join(said)
