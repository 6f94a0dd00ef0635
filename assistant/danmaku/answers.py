"""Grounded answers about money and ordering: price, discounts, flash sales, price protection, stock.

Every amount comes from ``knowledge.facts.SkuFacts`` (or the catalog objects it names) and is
printed with ``format_amount`` exactly as stored; nothing here computes a price. Replies are short,
address the viewer (``@昵称``), follow the question's language (``lang`` "zh" / "en") and pass
through ``compliance.sanitize``. Answers about stock, variants, material, suitability and usage
(``answers_product``), shipping and after-sales (``answers_policy``) and size (``size_chart``) are
re-exported here, so callers import one module. Those return ``None`` where the catalog lacks the
facts to answer (the caller then uses the FAQ, retrieval or a handoff).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from assistant.danmaku.answer_templates import (
    SHANGHAI,
    finish,
    format_amount,
    format_clock,
    format_duration,
    format_rate,
    handoff,
    join,
    steering_reply,
)
from assistant.danmaku.answers_policy import answer_after_sales, answer_shipping
from assistant.danmaku.answers_product import (
    MAX_SIBLINGS,
    answer_material,
    answer_stock,
    answer_suitability,
    answer_usage,
    answer_variant,
    clarify_variant,
    find_faq,
    skus_for_skin,
)
from assistant.danmaku.purchase_told import PurchaseTold, bought_when
from assistant.danmaku.size_chart import answer_size, parse_size_chart, pick_by_girth, pick_size
from assistant.danmaku.slot_rules import count_value, quantity_unit
from assistant.danmaku.unit_prices import unit_price_note
from knowledge.domain import (
    Coupon,
    FlashSale,
    PriceProtectionRules,
    Product,
    Promotion,
    PromotionKind,
    Sku,
    SpendDiscount,
)
from knowledge.facts import CENT, SkuFacts, sku_facts
from knowledge.price_protection import ProtectionOutcome, ProtectionResult, protection_for

__all__ = [
    "answer_after_sales",
    "answer_discount",
    "answer_flash_sale",
    "answer_how_to_order",
    "answer_list_price",
    "answer_material",
    "answer_one_unit_price",
    "answer_price",
    "answer_price_protection",
    "answer_shipping",
    "answer_size",
    "answer_stock",
    "answer_suitability",
    "answer_usage",
    "answer_value",
    "answer_variant",
    "clarify_variant",
    "coupon_terms_asked",
    "find_faq",
    "handoff",
    "parse_size_chart",
    "pick_by_girth",
    "pick_size",
    "skus_for_skin",
    "steering_reply",
]

MAX_LISTED_SKUS = 4  # above this a price answer gives the range only


def _facts_list(facts: SkuFacts | Sequence[SkuFacts]) -> list[SkuFacts]:
    items = [facts] if isinstance(facts, SkuFacts) else list(facts)
    if not items:
        raise ValueError("an answer needs the facts of at least one SKU")
    return items


def _spec(product: Product, facts: SkuFacts) -> str:
    sku = product.sku(facts.sku_id)
    return sku.spec if sku else facts.sku_id


def _coupon_terms(coupon: Coupon, lang: str) -> str:
    if coupon.rate is not None:
        deal = format_rate(coupon.rate, lang)
    else:
        deal = (
            f"减{format_amount(coupon.amount or Decimal(0))}"
            if lang != "en"
            else f"{format_amount(coupon.amount or Decimal(0))} off"
        )
    if coupon.threshold > 0:
        return (
            f"满{format_amount(coupon.threshold)}{deal}"
            if lang != "en"
            else f"{deal} over {format_amount(coupon.threshold)}"
        )
    return f"无门槛{deal}" if lang != "en" else deal


def _narrowed(product: Product, items: list[SkuFacts]) -> bool:
    """Whether the facts are of some versions only (a version was named: "钢带的呢")."""
    return len(product.skus) > 1 and len({f.sku_id for f in items}) < len(product.skus)


def _price_span(product: Product, items: list[SkuFacts], lang: str, name_version: bool = False) -> str:
    """The price of ``items``: one price (with the list price above it), else the range and, for a
    few SKUs, each SKU's price; ``name_version``: a single version named gets its spec in front."""
    prices = sorted({f.price for f in items})
    if len(prices) == 1:
        one = items[0]
        shown = format_amount(one.price)
        if one.list_price is not None and one.list_price > one.price and not one.flash_sale:
            shown += (
                f"（划线价{format_amount(one.list_price)}）"
                if lang != "en"
                else f" (list {format_amount(one.list_price)})"
            )
        if name_version and _narrowed(product, items) and len(items) == 1:
            shown = f"{_spec(product, one)} {shown}"
        return shown
    span = f"{format_amount(prices[0])}-{format_amount(prices[-1])}"
    if len(items) <= MAX_LISTED_SKUS:
        listed = join((f"{_spec(product, f)} {format_amount(f.price)}" for f in items), lang)
        span += f"（{listed}）" if lang != "en" else f" ({listed})"
    return span


@dataclass(frozen=True, slots=True)
class _SpendSaid:
    """A 满减 said with the price it gives one unit: which one, and whether it was said not to
    combine with the coupon."""

    promo_id: str
    apart: bool


def _best_coupon_text(items: list[SkuFacts], lang: str) -> str:
    """``_best_deals`` as said."""
    return _best_deals(items, lang)[0]


def _best_deals(items: list[SkuFacts], lang: str) -> tuple[str, _SpendSaid | None]:
    """The lowest price a coupon gives ("用券后¥299（满¥200减¥30券）"), then a 满减 one unit reaches
    where it gives less still ("满¥300减¥50后¥279"), with whether the two combine: a price in hand
    is the lowest the viewer can reach, never one a rule of the catalog forbids."""
    with_coupon = [f for f in items if f.best_coupon is not None]
    parts = []
    if with_coupon:
        best = min(with_coupon, key=lambda f: f.price_after_coupon)
        coupon = best.best_coupon
        assert coupon is not None  # filtered above
        prefix = "起" if len({f.price_after_coupon for f in with_coupon}) > 1 else ""
        if lang == "en":
            start = "from " if prefix else ""
            parts.append(
                f"with coupon {start}{format_amount(best.price_after_coupon)} ({_coupon_terms(coupon, lang)})"
            )
        else:
            parts.append(
                f"用券后{format_amount(best.price_after_coupon)}{prefix}（{_coupon_terms(coupon, lang)}券）"
            )
    spend, stated = _spend_discount_text(items, with_coupon, lang)
    if spend:
        parts.append(spend)
    return ("; " if lang == "en" else "，").join(parts), stated


def _spend_discount_text(
    items: list[SkuFacts], with_coupon: list[SkuFacts], lang: str
) -> tuple[str, _SpendSaid | None]:
    """The lowest price a 满减 gives one unit on its own, where it is below every coupon price
    ("满¥300减¥50后¥279，与券不叠加"), and what was said of it; ("", None) otherwise. A coupon and a
    满减 combine only when both say so (``stackable``); their combined price is the checkout's to
    work out, so none is said."""
    reaching = [f for f in items if f.best_spend_discount is not None]
    if not reaching:
        return "", None
    best = min(reaching, key=lambda f: f.price_after_spend_discount)
    if with_coupon and best.price_after_spend_discount >= min(f.price_after_coupon for f in with_coupon):
        return "", None
    spend = best.best_spend_discount
    assert spend is not None  # filtered above
    varied = len({f.price_after_spend_discount for f in reaching}) > 1 or len(reaching) < len(items)
    price = format_amount(best.price_after_spend_discount)
    coupons = [f.best_coupon for f in with_coupon if f.best_coupon is not None]
    apart = any(not (c.stackable and spend.stackable) for c in coupons)
    threshold, amount = format_amount(spend.threshold), format_amount(spend.amount)
    if lang == "en":
        said = f"{amount} off orders over {threshold}: {'from ' if varied else ''}{price}"
        return said + (" (not combined with the coupon)" if apart else ""), _SpendSaid(spend.promo_id, apart)
    said = f"满{threshold}减{amount}后{price}{'起' if varied else ''}"
    return said + ("，与券不叠加" if apart else ""), _SpendSaid(spend.promo_id, apart)


def answer_price(
    product: Product, facts: SkuFacts | Sequence[SkuFacts], lang: str = "zh", nickname: str = ""
) -> str:
    """The price now: one SKU, or the range over SKUs when the SKU is unknown; flash-sale price
    with its end time ("秒杀价¥89，20:10结束") and the best coupon price ("用券后¥99")."""
    items = _facts_list(facts)
    en = lang == "en"
    flashing = [f for f in items if f.flash_sale is not None]
    parts = []
    if not flashing or len(flashing) < len(items) or len({f.price for f in items}) > 1:
        parts.append(_price_span(product, items, lang, name_version=True))
    if flashing:
        sale = flashing[0].flash_sale
        assert sale is not None
        end = format_clock(sale.end, flashing[0].at, lang)
        regular = format_amount(flashing[0].base_price)
        specs = "" if len(flashing) == len(items) else join((_spec(product, f) for f in flashing), lang)
        if en:
            scope = f" for {specs}" if specs else f" (regular {regular})"
            parts.append(f"flash-sale price {format_amount(sale.price)}{scope} until {end}")
        else:
            scope = f"（{specs}）" if specs else f"（日常价{regular}）"
            parts.append(f"秒杀价{format_amount(sale.price)}{scope}，{end}结束")
    elif (upcoming := _upcoming_flash(items)) is not None:
        start = format_clock(upcoming.start, items[0].at, lang)
        price = format_amount(upcoming.price)
        parts.append(f"flash sale {price} from {start}" if en else f"{start}开抢秒杀价{price}")
    coupon = _best_coupon_text(items, lang)
    if coupon:
        parts.append(coupon)
    # each version's price listed ("60g 便携装 ¥32.90") is no price to pay where it has none to sell
    listed_each = len({f.price for f in items}) > 1 and len(items) <= MAX_LISTED_SKUS
    named = _narrowed(product, items)
    sold_out = [_spec(product, f) for f in items if not f.in_stock] if named or listed_each else []
    if sold_out:  # a version priced has none to sell: say so beside it
        listed = "" if len(items) == 1 else join(sold_out, lang)  # one: named with its price above
        parts.append(f"{listed} sold out".strip() if en else f"{listed}已售罄")
    return finish(f"{product.name} " + ("; " if en else "，").join(parts), nickname, lang)


def answer_value(
    product: Product, facts: SkuFacts | Sequence[SkuFacts], lang: str = "zh", nickname: str = ""
) -> str:
    """Which version is the better buy: each version's price now (``answer_price``) and, where the
    versions are amounts of one unit, each per unit, the lowest first (``unit_prices``). No advice
    beyond the arithmetic: what suits the viewer is theirs to say."""
    note = unit_price_note(product, _facts_list(facts), lang)
    body = answer_price(product, facts, lang)
    return finish(f"{body}{'; ' if lang == 'en' else '；'}{note}" if note else body, nickname, lang)


def answer_one_unit_price(
    product: Product,
    facts: SkuFacts | Sequence[SkuFacts],
    unit: str,
    packs: Mapping[str, int],
    lang: str = "zh",
    nickname: str = "",
) -> str:
    """The price of one of ``unit`` ("两支装多少钱一支"): each version's price now, a pack's with what
    one of the unit it holds comes to ("120g×2 双支装 ¥99（2支，合每支¥49.50）"), a version sold out
    said so. ``packs``: how many of the unit each pack holds (``packs_of``)."""
    en = lang == "en"
    parts = []
    for f in _facts_list(facts):
        line = f"{_spec(product, f)} {format_amount(f.price)}"
        n = packs.get(f.sku_id)
        if n:
            each = format_amount((f.price / n).quantize(CENT, rounding=ROUND_HALF_UP))
            line += f" ({n} {unit}, {each} each)" if en else f"（{n}{unit}，合每{unit}{each}）"
        if not f.in_stock:
            line += " sold out" if en else "，已售罄"
        parts.append(line)
    return finish(f"{product.name} " + ("; " if en else "；").join(parts), nickname, lang)


def answer_list_price(
    product: Product, facts: SkuFacts | Sequence[SkuFacts], lang: str = "zh", nickname: str = ""
) -> str:
    """The list price (原价/划线价) per SKU beside the price now: "120g 原价¥79（现价¥59.90）", the
    best coupon price after it. A SKU whose list price is missing or not above its price shows the
    price now only. While a flash sale runs, or when no SKU has a list price above its price, this
    is ``answer_price`` (the flash price, its end time and the regular price it returns to)."""
    items = _facts_list(facts)
    listed = [f for f in items if f.list_price is not None and f.list_price > f.price]
    if not listed or any(f.flash_sale is not None for f in items):
        return answer_price(product, items, lang, nickname)
    alike = len({(f.list_price, f.price) for f in items}) == 1  # one pair for every SKU: said once
    shown = items[:1] if alike else items[:MAX_LISTED_SKUS]
    en = lang == "en"
    parts = []
    for f in shown:
        now = format_amount(f.price)
        spec = "" if alike else f"{_spec(product, f)} "
        if f.list_price is None or f.list_price <= f.price:
            parts.append(f"{spec}now {now}" if en else f"{spec}现价{now}")
        elif en:
            parts.append(f"{spec}list {format_amount(f.list_price)} (now {now})")
        else:
            parts.append(f"{spec}原价{format_amount(f.list_price)}（现价{now}）")
    if not alike and (more := len(items) - len(shown)) > 0:
        parts.append(f"and {more} more options" if en else f"另有{more}个规格")
    coupon = _best_coupon_text(items, lang)
    if coupon:
        parts.append(coupon)
    return finish(f"{product.name} " + ("; " if en else "，").join(parts), nickname, lang)


MAX_ROOM_PROMOTIONS = 6  # promotions listed in one reply to a question about the whole room


def answer_room_promotions(
    kind: PromotionKind,
    promotions: Sequence[Promotion],
    products: Mapping[str, Product],
    at: datetime,
    lang: str = "zh",
    asked: frozenset[str] = frozenset(),
) -> str | None:
    """The room's promotions for a question asked of no product ("现在有啥券", "今晚有啥秒杀"): today's
    flash sales not yet over (``kind`` FLASH_SALE: ``_room_flash_sales``), else the coupons and 满减
    running (``_room_deals``, with the coupon terms ``asked``: ``coupon_terms_asked``). Terms, prices
    and times are the catalog's; None when there is none to name."""
    if kind is PromotionKind.FLASH_SALE:
        return _room_flash_sales(promotions, products, at, lang)
    return _room_deals(promotions, products, at, lang, asked)


def _link_label(product: Product, lang: str) -> str:
    """ "19号链接 " before a product's name, or nothing for a product with no link number."""
    if product.link_no is None:
        return ""
    return f"link {product.link_no} " if lang == "en" else f"{product.link_no}号链接 "


def _room_flash_sales(
    promotions: Sequence[Promotion], products: Mapping[str, Product], at: datetime, lang: str
) -> str | None:
    """Today's flash sales not over yet (those running, one begun last night included), soonest
    first, each with its window, link, product, price, the versions it is limited to and its cap
    ("22:00-22:20 10号链接 北纬线 … ¥359（仅限黑色 M、黑色 L），限量50件"); that they are over when every
    one of today's is; None when today has none."""
    en = lang == "en"
    today = at.astimezone(SHANGHAI).date()
    todays = [
        p
        for p in promotions
        if isinstance(p, FlashSale)
        and p.product_id in products
        and (p.start.astimezone(SHANGHAI).date() == today or p.start <= at < p.end)
    ]
    sales = sorted((p for p in todays if p.end > at), key=lambda p: p.start)[:MAX_ROOM_PROMOTIONS]
    if not sales:
        return ("Today's flash sales are over" if en else "今天的秒杀已经结束了") if todays else None
    lines = []
    for sale in sales:
        product = products[sale.product_id]
        when = f"{format_clock(sale.start, at, lang)}-{format_clock(sale.end, at, lang)}"
        if sale.start <= at:
            when += " (on now)" if en else "（进行中）"
        only = ""
        specs = [sku.spec for sku in product.skus if sku.sku_id in sale.sku_ids]
        if specs and len(specs) < len(product.skus):
            only = f" (only {join(specs, lang)})" if en else f"（仅限{join(specs, lang)}）"
        cap = ""
        if sale.quantity_cap:
            cap = f", {sale.quantity_cap} units" if en else f"，限量{sale.quantity_cap}件"
        price = f"{format_amount(sale.price)}{only}{cap}"
        lines.append(f"{when} {_link_label(product, lang)}{product.name} {price}")
    return ("Flash sales today: " if en else "今天的秒杀：") + ("; " if en else "；").join(lines)


def _room_deals(
    promotions: Sequence[Promotion],
    products: Mapping[str, Product],
    at: datetime,
    lang: str,
    asked: frozenset[str] = frozenset(),
) -> str | None:
    """The coupons and 满减 running, the whole shop's first (they apply whatever the viewer buys),
    each with its terms, the links it is limited to and its end (and a coupon's terms ``asked``: how
    many a viewer may claim, whether it stacks); with none running, those starting later today with
    their start; None when there are neither."""
    en = lang == "en"
    today = at.astimezone(SHANGHAI).date()
    deals = [p for p in promotions if isinstance(p, (Coupon, SpendDiscount))]
    running = [p for p in deals if p.start <= at < p.end]
    later = [p for p in deals if at < p.start and p.start.astimezone(SHANGHAI).date() == today]
    chosen = sorted(running or later, key=lambda p: (bool(p.product_ids), p.start, p.end))
    if not chosen:
        return None
    lines = []
    for deal in chosen[:MAX_ROOM_PROMOTIONS]:
        if isinstance(deal, Coupon):
            terms = f"coupon {_coupon_terms(deal, lang)}" if en else f"{_coupon_terms(deal, lang)}券"
        elif en:
            terms = f"{format_amount(deal.amount)} off over {format_amount(deal.threshold)}"
        else:
            terms = f"满{format_amount(deal.threshold)}减{format_amount(deal.amount)}"
        links = sorted(
            n for i in deal.product_ids if i in products and (n := products[i].link_no) is not None
        )
        more = "" if len(links) == len(deal.product_ids) else (" and others" if en else "等")
        if not deal.product_ids:
            scope = " (whole shop)" if en else "（全店）"
        elif links:
            scope = (
                f" (links {', '.join(map(str, links))}{more})"
                if en
                else f"（限{'、'.join(map(str, links))}号链接{more}）"
            )
        else:
            scope = " (some products)" if en else "（限部分商品）"
        if running:
            clock = _until(deal.end, at, lang)
            when = f" until {clock}" if en else f"，{clock}前有效"
        else:
            clock = format_clock(deal.start, at, lang)
            when = f" from {clock}" if en else f"，{clock}起"
        if isinstance(deal, Coupon):
            spends = any(isinstance(p, SpendDiscount) for p in chosen)
            when += "".join((", " if en else "，") + r for r in _coupon_rules(deal, asked, lang, spends))
        lines.append(f"{terms}{scope}{when}")
    if (left := len(chosen) - MAX_ROOM_PROMOTIONS) > 0:
        lines.append(f"and {left} more" if en else f"另有{left}项")
    head = "" if running else ("Later today: " if en else "今天稍后：")
    return head + ("; " if en else "；").join(lines)


def _until(end: datetime, at: datetime, lang: str) -> str:
    """An end's clock as a shop says it: midnight after ``at``'s day is "24:00" of that day."""
    local, today = end.astimezone(SHANGHAI), at.astimezone(SHANGHAI).date()
    if local.hour == local.minute == 0 and local.date() == today + timedelta(days=1):
        return "24:00"
    return format_clock(end, at, lang)


MAX_QUANTITY_LINES = 4  # SKUs priced for a quantity in one reply


def packs_of_the_unit(product: Product, normalized: str) -> dict[str, int]:
    """The SKUs that hold several of the unit a quantity is counted in, with how many ("两支" of
    "120g×2 双支装": 2; "三袋" of "200g×3袋": 3), by SKU id. A unit that is the pack itself ("5片/盒":
    "两盒") is none: two boxes are a quantity of SKUs. "三包" of packs of 15 and 30 asks for a pack,
    not for three of them: no pack's count divides it (the caller then says the prices)."""
    unit = quantity_unit(normalized)
    return {} if unit is None else packs_of(product, unit)


def packs_of(product: Product, unit: str) -> dict[str, int]:
    """The SKUs that hold two or more of ``unit`` ("120g×2 双支装": 2 支; "52颗×2盒": 104 颗), with how
    many, by SKU id."""
    count_re = re.compile(rf"(\d+|[双两二三四五六七八九十]+)\s*{re.escape(unit)}(?:\s*[×xX*]\s*(\d+))?")
    packs = {}
    for sku in product.skus:
        m = count_re.search(sku.spec)
        n = None if m is None else count_value(m.group(1))
        if n is not None and m is not None and m.group(2):
            n *= int(m.group(2))
        if n is not None and n >= 2:
            packs[sku.sku_id] = n
    return packs


def _times(spec: str, price: Decimal, times: int) -> str:
    """One SKU's line of a quantity's price: "120g ¥59.90×2=¥119.80", or its price alone for one."""
    if times == 1:
        return f"{spec} {format_amount(price)}"
    return f"{spec} {format_amount(price)}×{times}={format_amount(price * times)}"


def answer_quantity_price(
    product: Product,
    facts: SkuFacts | Sequence[SkuFacts],
    quantity: int,
    lang: str = "zh",
    nickname: str = "",
    packs: Mapping[str, int] | None = None,
    unit: str = "件",
) -> str:
    """What ``quantity`` units cost at the unit price now (the flash-sale price while one runs),
    per SKU: "120g ¥59.90×10=¥599". Only the catalog's unit prices, multiplied exactly; coupons
    and 满减 are named, not applied (which one applies is the checkout's rule), so no total is
    promised below the multiplied one.

    ``packs``: the SKUs that hold several of the units asked for, by SKU id ("120g×2 双支装": 2). A
    pack whose count divides the quantity is said first, as packs ("120g×2 双支装 ¥99" for two,
    "¥99×2=¥198" for four); one that does not is left out (no half packs)."""
    every = _facts_list(facts)
    en = lang == "en"
    packs = packs or {}
    # a version with none to sell is no price to pay: said sold out, not multiplied
    selling = [f for f in every if f.in_stock and quantity % packs.get(f.sku_id, 1) == 0]
    gone = [f for f in every if not f.in_stock]
    if not selling:  # "75ml的买两瓶多少钱" of a version gone: nothing to multiply
        specs = join((_spec(product, f) for f in gone), lang)
        return finish(
            f"{product.name} {specs} sold out" if en else f"{product.name} {specs}已售罄", nickname, lang
        )
    selling.sort(key=lambda f: f.sku_id not in packs)  # the packs of the quantity first
    items = selling[:MAX_QUANTITY_LINES]
    if len(items) > 1 and len({f.price for f in selling}) == 1 and not packs:
        # one price for every version: said once ("各规格 ¥129×3=¥387")
        one = items[0]
        each = "every option" if en else "各规格"
        lines = [f"{each} {format_amount(one.price)}×{quantity}={format_amount(one.price * quantity)}"]
    else:
        lines = [_times(_spec(product, f), f.price, quantity // packs.get(f.sku_id, 1)) for f in items]
    if (more := len(selling) - len(items)) > 0 and len(lines) > 1:
        lines.append(f"and {more} more options" if en else f"另有{more}个规格")
    if gone:
        specs = join((_spec(product, f) for f in gone), lang)
        lines.append(f"{specs} sold out" if en else f"{specs}已售罄")
    if en:
        body = f"{product.name}, {quantity} units: " + "; ".join(lines)
    else:
        body = f"{product.name} 买{quantity}{unit}：" + "；".join(lines)
    return finish(body + _promotions_not_applied(items, lang), nickname, lang)


def _promotions_not_applied(facts: Sequence[SkuFacts], lang: str) -> str:
    """The 满减 and coupons running for these versions, named after a total that leaves them out
    ("（未含满¥300减¥50、优惠券，结算时按规则扣减）"): which one applies is the checkout's rule; ""
    for none."""
    en = lang == "en"
    deals = [
        f"{format_amount(s.amount)} off over {format_amount(s.threshold)}"
        if en
        else f"满{format_amount(s.threshold)}减{format_amount(s.amount)}"
        for s in {s.promo_id: s for f in facts for s in f.spend_discounts}.values()
    ]
    named = [*deals, *((["coupons"] if en else ["优惠券"]) if any(f.coupons for f in facts) else [])]
    if not named:
        return ""
    return (
        f" (before {', '.join(named)}, applied at checkout)"
        if en
        else f"（未含{'、'.join(named)}，结算时按规则扣减）"
    )


def answer_basket_price(
    items: Sequence[tuple[Product, Sequence[SkuFacts], int]], lang: str = "zh", nickname: str = ""
) -> str:
    """What several products bought together come to at their prices now (the flash-sale price
    while one runs): each product's price times its count, then the sum ("简川 珍珠扣针织开衫 ¥239 +
    简川 高腰阔腿牛仔裤 ¥169 = ¥408"). ``items``: each product, the facts of the versions the line
    names of it (or of all its versions), and how many. A product whose versions in stock cost
    different amounts adds its lowest, said "起", and so is the sum. Coupons and 满减 running for any
    of them are named, not applied (which one applies is the checkout's rule), as for one product's
    quantity (``answer_quantity_price``). Where a version the line names is sold out, no sum: it is
    said sold out, and the others' prices are given ("墨黑 500ml已售罄；木与器 整木乌檀砧板 中号 ¥89")."""
    en = lang == "en"
    terms: list[str] = []
    gone: list[str] = []
    total = Decimal(0)
    chosen: list[SkuFacts] = []
    from_lowest = False
    for product, facts, quantity in items:
        selling = sorted((f for f in facts if f.in_stock), key=lambda f: f.price)
        if not selling:
            specs = join((_spec(product, f) for f in facts), lang) if len(facts) < len(product.skus) else ""
            gone.append(f"{product.name} {specs} sold out" if en else f"{product.name} {specs}已售罄")
            continue
        one = selling[0]
        several = len({f.price for f in selling}) > 1
        from_lowest = from_lowest or several
        chosen.append(one)
        # the version said where the line named one ("眠云 云朵大白被 冬被 200×230cm 6斤")
        named = f"{product.name} {_spec(product, one)}" if len(facts) == 1 else product.name
        price = format_amount(one.price) + (("+" if en else "起") if several else "")
        terms.append(f"{named} {price}" + (f"×{quantity}" if quantity > 1 else ""))
        total += one.price * quantity
    if gone:  # no sum of a basket that cannot be bought whole
        return finish(("; " if en else "；").join([*gone, *terms]), nickname, lang)
    body = " + ".join(terms) + f" = {format_amount(total)}" + (("+" if en else "起") if from_lowest else "")
    body += _promotions_not_applied(chosen, lang)
    return finish(f"Together: {body}" if en else f"一起买：{body}", nickname, lang)


# What a coupon question asks beside which coupons there are: how many one viewer may claim, whether
# they go together, until when ("一个人能领几张", "店铺券和满减能一起用吗", "零食券几点过期").
_COUPON_TERMS_ASKED: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("limit", re.compile(r"几张|限领|领几|能领多少|限几|(?:每人|每个人|一个人).{0,4}(?:几|多少)")),
    (
        "stacking",
        re.compile(r"叠加|叠用|叠券|叠满减|一起用|同时用|同享|一块用|一起使用|共用|能一起|可以一起|再用券"),
    ),
    (
        "until",
        re.compile(r"过期|到期|截止|有效期|到几点|几点结束|什么时候结束|啥时候结束|几点前|能用到|用到几点"),
    ),
)


_COUPON_USED_RE = re.compile(r"用券|用优惠券|券能用|券可以用|能用.{0,3}券|可以用.{0,3}券")


def asks_coupons_with_the_sale(normalized: str) -> bool:
    """Whether a flash-sale question asks if coupons go with the sale price ("秒杀价还能叠券不",
    "秒杀能用券吗")."""
    return "stacking" in coupon_terms_asked(normalized) or _COUPON_USED_RE.search(normalized) is not None


def coupon_terms_asked(normalized: str) -> frozenset[str]:
    """The terms of its coupons a discount question asks (``_COUPON_TERMS_ASKED``): "limit",
    "stacking", "until"; empty for a question of which coupons there are."""
    return frozenset(term for term, pattern in _COUPON_TERMS_ASKED if pattern.search(normalized))


def _coupon_rules(
    coupon: Coupon, asked: frozenset[str], lang: str, with_spend_discount: bool = False
) -> list[str]:
    """The asked terms of one coupon: how many a viewer may claim, whether it goes with others (a
    coupon that does not stack goes with no other coupon and, where one runs, no 满减)."""
    en = lang == "en"
    out = []
    if "limit" in asked:
        n = coupon.per_viewer_limit
        out.append(f"{n} per viewer" if en else f"每人限领{n}张")
    if "stacking" in asked:
        if coupon.stackable:
            out.append("stacks with other deals" if en else "可与其他优惠叠加")
        elif with_spend_discount:
            out.append("does not stack with other coupons or 满减" if en else "不与其他券或满减叠加")
        else:
            out.append("does not stack with other coupons" if en else "不与其他券叠加")
    return out


def answer_discount(
    product: Product,
    facts: SkuFacts | Sequence[SkuFacts],
    lang: str = "zh",
    nickname: str = "",
    asked: frozenset[str] = frozenset(),
    not_for_it: Sequence[Coupon] = (),
    over: Sequence[Coupon] = (),
) -> str:
    """Coupons (terms, validity), 满减, a running or upcoming flash sale, or honestly none, after the
    coupons the question names that do not cover the product (``not_for_it``: "数码券能用吗" of a
    tablet the digital coupon leaves out: "数码9折券不适用于…"), and those it names that are over
    (``over``: "零食券还能用吗" after its end: "零食券已于21:00结束"). With no
    coupon and no 满减 running, the coupons and 满减 that start later today are named with their start
    (while one runs, the later ones are left out: what applies now is the answer). ``asked``
    (``coupon_terms_asked``): the coupons' terms the question asks, said with each (per-viewer limit,
    stacking; an upcoming coupon's end when "until" is asked)."""
    items = _facts_list(facts)
    en = lang == "en"
    at = items[0].at
    coupons = list({c.promo_id: c for f in items for c in f.coupons}.values())
    spends = list({s.promo_id: s for f in items for s in f.spend_discounts}.values())
    parts = []
    for coupon in coupons:
        until = format_clock(coupon.valid_to, at, lang)
        terms = _coupon_terms(coupon, lang)
        rules = [
            "valid until " + until if en else f"{until}前有效",
            *_coupon_rules(coupon, asked, lang, with_spend_discount=bool(spends)),
        ]
        # a coupon that does not stack is no use at a flash-sale price, whatever the order's total
        usable = [f for f in items if f.flash_sale is None or coupon.stackable]
        if not usable:
            rules.append("not with the flash-sale price" if en else "秒杀价不可用此券")
        elif all(f.price < coupon.threshold for f in usable):  # "套装能用满200减30吗" of a ¥199 set
            threshold = format_amount(coupon.threshold)
            rules.append(f"one unit is below {threshold}" if en else f"本品单件不满{threshold}，需凑单")
        parts.append(f"coupon {terms}, " + ", ".join(rules) if en else f"{terms}券（{'，'.join(rules)}）")
    best, stated = _best_deals(items, lang)
    if best:
        parts.append(best)
    for spend in spends:
        if (
            stated is not None
            and spend.promo_id == stated.promo_id
            and ("stacking" not in asked or stated.apart)
        ):
            continue  # said with the price it gives ("满¥300减¥50后¥279，与券不叠加")
        deal = (
            f"{format_amount(spend.amount)} off over {format_amount(spend.threshold)}"
            if en
            else f"满{format_amount(spend.threshold)}减{format_amount(spend.amount)}"
        )
        if "stacking" in asked and coupons:  # both must say so: a coupon that does not stack never does
            if spend.stackable and all(c.stackable for c in coupons):
                deal += ", stacks with coupons" if en else "（可与优惠券同享）"
            else:
                deal += ", not with a coupon" if en else "（与券不叠加）"
        parts.append(deal)
    if not coupons and not spends:  # none now: the coupons and 满减 that start later today say when
        parts.extend(_upcoming_deals(items, lang, asked))
    sale = next((f.flash_sale for f in items if f.flash_sale), None)
    if sale is not None:
        end = format_clock(sale.end, at, lang)
        parts.append(
            f"flash sale {format_amount(sale.price)} until {end}"
            if en
            else f"正在秒杀{format_amount(sale.price)}，{end}结束"
        )
    elif (upcoming := _upcoming_flash(items)) is not None:
        start = format_clock(upcoming.start, at, lang)
        parts.append(
            f"flash sale {format_amount(upcoming.price)} from {start}"
            if en
            else f"{start}开抢秒杀价{format_amount(upcoming.price)}"
        )
    excluded = "".join(
        f"{c.title.split()[0]} does not cover {product.name}; "
        if en
        else f"{c.title.split()[0]}不适用于本品；"
        for c in not_for_it
    ) + coupons_over_said([c for c in over if c not in not_for_it], lang)
    if not parts:
        now_price = _price_span(product, items, lang)
        body = (
            f"no coupon for {product.name} right now; price {now_price}"
            if en
            else f"{product.name}暂时没有优惠券，现价{now_price}"
        )
        return finish(excluded + body, nickname, lang)
    return finish(excluded + f"{product.name} " + ("; " if en else "；").join(parts), nickname, lang)


_COUPON_STEM_RE = re.compile(r"^[\u4e00-\u9fff]{2}")
_COUPON_NAMED_RE = re.compile(r"[^\s,.!?]{1,6}(?=券)")


def coupon_words_asked(asked: str) -> tuple[str, ...]:
    """What stands before each 券 of the question, up to 6 characters ("防晒能用护肤券吗" -> 防晒能用护肤):
    where a coupon is named by the first word of its title (``coupons_named``), so part of the
    answer-cache key of a coupon question."""
    return tuple(sorted(set(_COUPON_NAMED_RE.findall(asked))))


def coupons_named(promotions: Sequence[Promotion], asked: str) -> list[Coupon]:
    """The coupons the question names by the first word of their title within the 6 characters before
    a 券 ("数码券", "护肤券能用吗", "数码9折券": 数码9折券, 护肤专享券)."""
    named = coupon_words_asked(asked)
    out = []
    for coupon in promotions:
        if isinstance(coupon, Coupon) and (stem := _coupon_stem(coupon)) and any(stem in w for w in named):
            out.append(coupon)
    return out


def coupons_named_not_for(product: Product, promotions: Sequence[Promotion], asked: str) -> list[Coupon]:
    """The coupons the question names (``coupons_named``) that are limited to other products than
    ``product``."""
    return [
        c
        for c in coupons_named(promotions, asked)
        if c.product_ids and product.product_id not in c.product_ids
    ]


def coupons_over_said(over: Sequence[Coupon], lang: str) -> str:
    """The coupons asked of that are over, said before the answer: "零食券已于21:00结束；"."""
    return "".join(
        f"{c.title.split()[0]} ended at {format_clock(c.valid_to, c.valid_to, lang)}; "
        if lang == "en"
        else f"{c.title.split()[0]}已于{format_clock(c.valid_to, c.valid_to, lang)}结束；"
        for c in over
    )


def coupons_named_over(promotions: Sequence[Promotion], asked: str, at: datetime) -> list[Coupon]:
    """The coupons the question names (``coupons_named``) that were valid earlier today and are over
    at ``at`` ("零食券还能用吗" after its 21:00), unless another coupon of that name runs now."""
    today = at.astimezone(SHANGHAI).date()
    named = coupons_named(promotions, asked)
    running = {_coupon_stem(c) for c in named if c.active_at(at)}
    return [
        c
        for c in named
        if c.valid_to <= at
        and c.valid_to.astimezone(SHANGHAI).date() == today
        and _coupon_stem(c) not in running  # another coupon of that name runs now: not over
    ]


def _coupon_stem(coupon: Coupon) -> str:
    """The first word of a coupon's title, the name viewers call it by ("数码9折券" -> 数码)."""
    stem = _COUPON_STEM_RE.match(coupon.title)
    return stem.group(0) if stem else ""


def _upcoming_deals(items: list[SkuFacts], lang: str, asked: frozenset[str] = frozenset()) -> list[str]:
    """The coupons and 满减 of ``items`` that have not started yet (``SkuFacts.upcoming``), soonest
    first, each with its start: "20:00起可领满99减10券", "20:00起满300减50"; with the terms asked
    (``coupon_terms_asked``): "20:00起可领满59减5券（21:00前有效，每人限领1张）"."""
    at, en = items[0].at, lang == "en"
    deals = {p.promo_id: p for f in items for p in f.upcoming if isinstance(p, Coupon | SpendDiscount)}
    out = []
    for deal in sorted(deals.values(), key=lambda p: p.start):
        start = format_clock(deal.start, at, lang)
        if isinstance(deal, Coupon):
            terms = _coupon_terms(deal, lang)
            until = format_clock(deal.valid_to, at, lang)
            rules = [
                *(["valid until " + until if en else f"{until}前有效"] if "until" in asked else []),
                *_coupon_rules(deal, asked, lang),
            ]
            said = (", " if en else "，").join(rules)
            tail = (f" ({said})" if en else f"（{said}）") if rules else ""
            out.append(f"coupon {terms} from {start}{tail}" if en else f"{start}起可领{terms}券{tail}")
        else:
            threshold, amount = format_amount(deal.threshold), format_amount(deal.amount)
            shared = "stacking" in asked and deal.stackable
            out.append(
                f"{amount} off over {threshold} from {start}" + (", stacks with coupons" if shared else "")
                if en
                else f"{start}起满{threshold}减{amount}" + ("（可与优惠券同享）" if shared else "")
            )
    return out


def _upcoming_flash(items: list[SkuFacts]) -> FlashSale | None:
    sales = [p for f in items for p in f.upcoming if isinstance(p, FlashSale)]
    return min(sales, key=lambda p: p.start) if sales else None


def _covered_specs(product: Product, every: Sequence[SkuFacts], sale: FlashSale) -> list[str]:
    """The specs of the SKUs ``sale`` covers, running or to come, in catalog order."""
    covered = {f.sku_id for f in every if f.flash_sale == sale or sale in f.upcoming}
    return [s.spec for s in product.skus if s.sku_id in covered]


def answer_flash_sale(
    product: Product,
    facts: SkuFacts | Sequence[SkuFacts],
    now: datetime | None = None,
    lang: str = "zh",
    nickname: str = "",
    every: Sequence[SkuFacts] = (),
    with_coupons: bool = False,
) -> str:
    """Flash-sale timing: time left and end ("还剩3分20秒，20:10结束"), or when it starts and ends
    ("21:00开抢（还有1小时，21:15结束）"), the price and the quantity cap; or that none runs, with the
    price now. ``facts`` are the SKUs asked about; ``every`` all the product's, when given: a sale on
    only some of them names those ("仅限黑色 M、黑色 L"), and versions asked that no sale covers are
    told so beside the sale that runs for others ("米白也秒杀吗"). ``with_coupons`` (asked,
    ``asks_coupons_with_the_sale``: "秒杀价还能叠券不"): whether the product's coupons go with the sale."""
    items = _facts_list(facts)
    en = lang == "en"
    at = now or items[0].at
    every = list(every)
    asked_ids = {f.sku_id for f in items}
    if every and not any(f.flash_sale or _upcoming_flash([f]) for f in items) and len(asked_ids) < len(every):
        elsewhere = next((f.flash_sale for f in every if f.flash_sale is not None), None) or _upcoming_flash(
            every
        )
        if elsewhere is not None:  # the versions asked are outside a sale that covers others
            asked = join([s.spec for s in product.skus if s.sku_id in asked_ids], lang)
            others = join(_covered_specs(product, every, elsewhere), lang)
            body = (
                f"{asked} is not in the flash sale; it covers only {others}"
                if en
                else f"{asked}不参加秒杀，秒杀仅限{others}"
            )
            return finish(f"{product.name} {body}", nickname, lang)
    active = next((f for f in items if f.flash_sale is not None), None)
    sale = active.flash_sale if active is not None else _upcoming_flash(items)
    lead = _versions_asked_stock(product, items, every, lang) if sale is not None else ""
    if sale is None:
        price = _price_span(product, items, lang)
        body = (
            f"no flash sale for {product.name} now; price {price}"
            if en
            else f"{product.name}现在没有秒杀活动，现价{price}"
        )
        return finish(body, nickname, lang)
    covered = _covered_specs(product, every, sale) if every else []
    only = ""
    if 0 < len(covered) < len(product.skus):
        only = f" (only {join(covered, lang)})" if en else f"（仅限{join(covered, lang)}）"
    price = f"{format_amount(sale.price)}{only}"
    if active is not None:
        left, end = format_duration(sale.end - at, lang), format_clock(sale.end, at, lang)
        body = (
            f"flash-sale price {price}, {left} left (ends {end})"
            if en
            else f"秒杀价{price}，还剩{left}（{end}结束）"
        )
    else:
        start, wait = format_clock(sale.start, at, lang), format_duration(sale.start - at, lang)
        end = format_clock(sale.end, at, lang)  # "秒杀几点结束" asked before it starts
        body = (
            f"flash sale starts at {start} (in {wait}, ends {end}), price {price}"
            if en
            else f"{start}开抢（还有{wait}，{end}结束），秒杀价{price}"
        )
    if sale.quantity_cap:
        body += f", limited to {sale.quantity_cap}" if en else f"，限量{sale.quantity_cap}件"
    if with_coupons:
        body += _coupons_with_the_sale(items, lang)
    return finish(f"{product.name} {lead}{body}", nickname, lang)


def _versions_asked_stock(
    product: Product, items: Sequence[SkuFacts], every: Sequence[SkuFacts], lang: str
) -> str:
    """Whether the versions a flash-sale question names are there, said before the sale ("黑色能秒吗":
    "曜石黑已售罄，星光白、冰川蓝有货；"; "那蓝色呢": "冰川蓝有货，"); "" when the question names none,
    or several of which some are there (a version half named, "黑M", matches more than it means)."""
    asked_ids = {f.sku_id for f in items}
    if not every or len(asked_ids) >= len(every):
        return ""
    en = lang == "en"
    asked = join([s.spec for s in product.skus if s.sku_id in asked_ids], lang)
    there = {f.sku_id for f in items if f.in_stock}
    if there:  # one version asked and there ("那蓝色呢"); several half-read ("黑M") are left unsaid
        return "" if len(asked_ids) > 1 else (f"{asked} in stock; " if en else f"{asked}有货，")
    in_stock = {f.sku_id for f in every if f.in_stock and f.sku_id not in asked_ids}
    left = [s.spec for s in product.skus if s.sku_id in in_stock][:MAX_SIBLINGS]
    if en:
        return f"{asked} sold out" + (f", {join(left, lang)} in stock" if left else "") + "; "
    return f"{asked}已售罄" + (f"，{join(left, lang)}有货" if left else "") + "；"


def _coupons_with_the_sale(items: list[SkuFacts], lang: str) -> str:
    """Whether the product's coupons (running or to come) go with a flash-sale price: one that does
    not stack never does (``facts``: a non-stackable coupon is left out at the flash price)."""
    coupons = {
        c.promo_id: c for f in items for c in (*f.coupons, *f.upcoming) if isinstance(c, Coupon)
    }.values()
    stacking = [c for c in coupons if c.stackable]
    en = lang == "en"
    if not coupons:
        return ""
    if not stacking:
        return "; coupons do not apply to the flash-sale price" if en else "，秒杀价不能再叠加优惠券"
    terms = join((_coupon_terms(c, lang) for c in stacking), lang)
    return f"; the coupon {terms} applies on top" if en else f"，可叠加{terms}券"


def _protection_rules_note(rules: PriceProtectionRules, lang: str) -> str:
    if lang == "en":
        excluded = [
            w for w, on in (("flash-sale", rules.exclude_flash_sale), ("coupon", rules.exclude_coupons)) if on
        ]
        return f"{' and '.join(excluded)} prices excluded" if excluded else ""
    if rules.note:
        return rules.note
    excluded = [
        w for w, on in (("秒杀价", rules.exclude_flash_sale), ("优惠券价", rules.exclude_coupons)) if on
    ]
    return f"{'、'.join(excluded)}不参与保价" if excluded else ""


# A price the protection may leave out, named in the question ("现在买，秒杀时能退差价吗", "用券买的保价吗").
_EXCLUSION_NAMED_RE = re.compile(r"(?<!不用)(?<!没用)(?<!不是)(?<!没有)(?:秒杀|券)|flash|coupon")


def names_a_protection_exclusion(normalized: str) -> bool:
    """Whether a price-protection question names a flash sale or a coupon: the exclusions are its answer."""
    return _EXCLUSION_NAMED_RE.search(normalized) is not None


def answer_price_protection(
    product: Product,
    rules: PriceProtectionRules,
    lang: str = "zh",
    nickname: str = "",
    result: ProtectionResult | None = None,
    told_case: str = "",
    exclusion_first: bool = False,
) -> str:
    """N天保价 and its exclusions; with a ``ProtectionResult`` (or the words of one, ``told_case``)
    also the viewer's own case. ``exclusion_first``: the question named a flash sale or a coupon
    ("秒杀时能退差价吗"), so the exclusions lead ("秒杀价、优惠券价不参与保价，…支持15天保价"); said
    after "支持15天保价" they read as a yes."""
    en = lang == "en"
    days = product.price_protection_days
    if days <= 0:
        body = f"{product.name} has no price protection" if en else f"{product.name}不支持保价"
        return finish(body, nickname, lang)
    note = _protection_rules_note(rules, lang)
    parts = [f"{product.name}: {days}-day price protection" if en else f"{product.name}支持{days}天保价"]
    if note and exclusion_first:
        parts.insert(0, note)
    elif note:
        parts.append(note)
    if result is not None:
        parts.append(_protection_case(result, lang))
    parts.append(told_case)
    return finish(("; " if en else "，").join(p for p in parts if p), nickname, lang)


def answer_protection_told(
    product: Product,
    rules: PriceProtectionRules,
    promotions: Sequence[Promotion],
    told: PurchaseTold,
    versions: Sequence[Sku],
    now: datetime,
    lang: str = "zh",
    nickname: str = "",
) -> str:
    """The protection terms and the viewer's own case from the purchase they told
    (``purchase_told``), worked out from the catalog's price history for every version it may have
    been (of ``versions``, those priced as told at the time, when a price was told) at every moment
    of the day told (the hour is not said: a flash sale that evening is a different case), said
    where they all agree; else whether the day is still inside the window. A purchase exactly as
    many days ago as the window is long is left to the order's own time."""
    days = product.price_protection_days
    if days <= 0:
        return answer_price_protection(product, rules, lang, nickname)
    en = lang == "en"
    ago = bought_when(told.days_ago, lang, told.almost)
    if told.days_ago > days:
        case = f"{ago}: past the {days}-day window" if en else f"{ago}已过{days}天保价期"
    elif told.days_ago == days:
        case = (
            f"{ago}: the window ends {days} days after the order time"
            if en
            else f"{ago}正好满{days}天，以下单时间为准"
        )
    else:
        moments = _moments_of_day(now, told.days_ago, promotions, versions)
        # each version at each moment of that day; with a price told, only where it was that price
        readings = [
            (s, m)
            for s in versions
            for m in moments
            if told.paid is None or sku_facts(product, s, promotions, m).price == told.paid
        ]
        # one reading per case: the moment's own deadline is no part of it
        outcomes = {
            replace(protection_for(product, s, promotions, rules, m, now), deadline=None) for s, m in readings
        }
        bought = list(dict.fromkeys(s for s, _ in readings))
        spec = bought[0].spec if len(bought) == 1 else ""
        case = _told_case(ago, spec, outcomes, lang)
    return answer_price_protection(product, rules, lang, nickname, told_case=case)


def _moments_of_day(
    now: datetime, days_ago: int, promotions: Sequence[Promotion], versions: Sequence[Sku]
) -> list[datetime]:
    """The moments of the day told (Beijing time; today up to ``now``) at which a price may change:
    its start and end, and every promotion's or price point's start or end inside it."""
    local = now.astimezone(SHANGHAI)
    start = datetime.combine((local - timedelta(days=days_ago)).date(), datetime.min.time(), SHANGHAI)
    end = min(start + timedelta(days=1) - timedelta(seconds=1), now)
    edges = [p.start for p in promotions] + [p.end - timedelta(seconds=1) for p in promotions]
    edges += [point.effective_from for s in versions for point in s.price_history]
    return sorted({start, end, *(e for e in edges if start <= e <= end)})


def _told_case(ago: str, spec: str, outcomes: set[ProtectionResult], lang: str) -> str:
    """The case said where every reading of the purchase agrees: one refund, no drop, a flash-sale
    purchase; else (or with no version priced as told) whether it is inside the window."""
    en = lang == "en"
    kinds = {r.outcome for r in outcomes}
    within = (
        f"{ago}: within the window; a lower price now can be claimed back"
        if en
        else f"{ago}在保价期内，现价低于买时价格可申请退差价"
    )
    if len(kinds) != 1:
        return within
    result = next(iter(outcomes))
    what = f"{ago} {spec}".rstrip() if en else f"{ago}{spec}"
    paid, now_price = format_amount(result.paid_price), format_amount(result.comparable_price)
    if result.outcome is ProtectionOutcome.NO_PRICE_DROP:
        if len(outcomes) > 1:  # no drop for any of them, at different prices
            return f"{ago}: the price that counts has not dropped" if en else f"{ago}按保价规则现价没有降价"
        return (
            f"{what} at {paid}; the price that counts now is {now_price}, no lower"
            if en
            else f"{what}当时{paid}，按保价规则现价{now_price}，没有降价"
        )
    if result.outcome is ProtectionOutcome.REFUND:
        if len(outcomes) > 1:
            return within
        back = format_amount(result.refund)
        return (
            f"{what} at {paid}, now {now_price}: you can claim {back} back"
            if en
            else f"{what}当时{paid}，现价{now_price}，可申请退差价{back}"
        )
    return _protection_case(result, lang)


def _protection_case(result: ProtectionResult, lang: str) -> str:
    en = lang == "en"
    if result.outcome is ProtectionOutcome.REFUND:
        return (
            f"you can claim {format_amount(result.refund)} back"
            if en
            else f"可申请退差价{format_amount(result.refund)}"
        )
    if result.outcome is ProtectionOutcome.EXPIRED:
        return "your purchase is past the protection period" if en else "你的订单已过保价期"
    if result.outcome is ProtectionOutcome.FLASH_SALE_PURCHASE:
        return "a flash-sale purchase is not protected" if en else "秒杀价购买的订单不参与保价"
    if result.outcome is ProtectionOutcome.NO_PRICE_DROP:
        return "the price has not dropped" if en else "目前价格没有降低"
    return ""


def answer_how_to_order(product: Product, lang: str = "zh", nickname: str = "") -> str:
    """Where to buy: "点击下方小黄车3号链接" (or the product name when it has no link number)."""
    en = lang == "en"
    if product.link_no is not None:
        body = (
            f"tap the cart below, link #{product.link_no} ({product.name}), pick your option and order"
            if en
            else f"点击下方小黄车{product.link_no}号链接（{product.name}），选好规格下单"
        )
    else:
        body = (
            f"find {product.name} in the cart below once the host lists it"
            if en
            else f"{product.name}上架后在下方小黄车里就能找到"
        )
    return finish(body, nickname, lang)
