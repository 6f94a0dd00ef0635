"""What a reply about some products at time ``at`` may truthfully say, as sets of numbers.

``grounding_for`` computes, from ``knowledge.facts.facts_at`` for every SKU of the products:

- ``money``: base, list, current (flash-sale) and after-coupon prices, every applicable coupon's
  threshold, amount and resulting price, 满减 thresholds and amounts, upcoming promotions' prices
  (within the facts' 24 h horizon), price-history prices and the price drops between them (the
  price-protection refund), shipping fee and free-shipping threshold;
- ``rates``: coupon rates as written (9折 -> 9, 10% off -> 10);
- ``durations``: price-protection days, return days, warranty months, dispatch hours, every
  ``N天/N小时/N个月`` in the product's own text and policies, and the countdowns to every boundary
  of the product's promotions (hours, minutes, seconds);
- ``times``: the start and end of the product's promotions, and the question time;
- ``dates``: promotion dates, the question's day and the day after, dates in the product text;
- ``product_numbers``: every number of the product's own text (name, specs, attributes, FAQ,
  description, link number, stock counts, quantity caps);
- ``known``: all of the above plus every number anywhere in the catalog.

A reply about no product (``product_ids`` empty: "现在有啥券", "今晚有啥秒杀") may state the room's
promotions: their money, rates, boundaries and the link numbers of the products they are for.

Numbers in the viewer's question (and its 斤 as kg) are allowed everywhere (quoting them back is not a
claim), and so are the products' unit prices now times a whole quantity the question names ("买10个"
-> ¥59.90×10 = ¥599: the total of what was asked, from catalog prices only), the sums of one price
now of each of several products the reply names (a basket bought together), and the days since a day
the question names ("10号买的" -> 11天前), and each version's price per unit of its amount and per 100
units ("哪个划算": ¥99 for 240 g is ¥41.25/100g) and per piece of a pack ("多少钱一支": ¥49.50); an
injected amount is caught by the case's ``forbidden`` list instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from assistant.danmaku.answers import packs_of, packs_of_the_unit
from assistant.danmaku.normalize import normalize
from assistant.danmaku.slot_rules import count_value
from assistant.danmaku.unit_prices import spec_amount
from assistant.danmaku.vocabulary import UNIT_COUNTERS
from evals.answers.amounts import Kind, extract, numbers_in, time_value
from knowledge.domain import Catalog, Coupon, FlashSale, Product, Promotion, SpendDiscount
from knowledge.facts import CENT, SkuFacts, coupon_price, facts_at

SHANGHAI = ZoneInfo("Asia/Shanghai")
_JIN_RE = re.compile(r"(\d+(?:\.\d+)?)\s*斤")


@dataclass(frozen=True, slots=True)
class Grounding:
    """Allowed values per number class (see module doc)."""

    money: frozenset[Decimal]
    rates: frozenset[Decimal]
    rates_off: frozenset[Decimal]
    durations: frozenset[Decimal]
    times: frozenset[Decimal]
    dates: frozenset[Decimal]
    product_numbers: frozenset[Decimal]
    known: frozenset[Decimal]

    def allows(self, kind: Kind, value: Decimal) -> bool:
        """Whether a number of class ``kind`` may have ``value`` (unchecked classes: True)."""
        checked = {
            Kind.MONEY: self.money,
            Kind.RATE: self.rates,
            Kind.RATE_OFF: self.rates_off,
            Kind.DURATION: self.durations,
            Kind.TIME: self.times,
        }
        allowed = checked.get(kind)
        return True if allowed is None else value in allowed

    def is_known(self, kind: Kind, value: Decimal) -> bool:
        """Whether the number is supported by anything at all (catalog, facts, question)."""
        if kind is Kind.TIME:
            return value in self.times
        if kind is Kind.DATE:
            return value in self.dates
        return value in self.known


def _money_of_facts(f: SkuFacts) -> set[Decimal]:
    out = {f.base_price, f.price, f.price_after_coupon, f.price_after_spend_discount}
    if f.list_price is not None:
        out.add(f.list_price)
    if f.flash_sale is not None:
        out.add(f.flash_sale.price)
    for coupon in f.coupons:
        out.update(_coupon_money(coupon, (f.price, f.base_price)))
    for spend in f.spend_discounts:
        out.update((spend.threshold, spend.amount))
    for promo in f.upcoming:
        out.update(_promo_money(promo, (f.base_price,)))
    return out


def _coupon_money(coupon: Coupon, prices: Iterable[Decimal]) -> set[Decimal]:
    out = {coupon.threshold} if coupon.threshold > 0 else set()
    if coupon.amount is not None:
        out.add(coupon.amount)
    for price in prices:
        after = coupon_price(price, coupon)
        if after is not None:
            out.add(after)
    return out


def _promo_money(promo: Promotion, prices: Iterable[Decimal]) -> set[Decimal]:
    if isinstance(promo, FlashSale):
        return {promo.price}
    if isinstance(promo, Coupon):
        return _coupon_money(promo, prices)
    if isinstance(promo, SpendDiscount):
        return {promo.threshold, promo.amount}
    return set()


def _history_money(product: Product) -> set[Decimal]:
    out: set[Decimal] = set()
    for sku in product.skus:
        prices = [p.price for p in sku.price_history] + [sku.price]
        out.update(prices)
        out.update(a - b for a in prices for b in prices if a > b)  # price-protection refunds
    return out


def product_text(product: Product) -> str:
    """All the operator-written text of a product, one field a line."""
    lines = [product.name, product.description, *product.aliases]
    lines += [sku.spec for sku in product.skus]
    lines += [f"{k}: {v}" for k, v in product.attributes.items()]
    lines += [f"{pair.question} {pair.answer}" for pair in product.faq]
    return "\n".join(lines)


def _relevant_promotions(catalog: Catalog, product: Product) -> list[Promotion]:
    return [
        p
        for p in catalog.promotions
        if any(p.applies_to(product.product_id, sku.sku_id) for sku in product.skus)
    ]


def _countdown_parts(delta: timedelta) -> set[Decimal]:
    seconds = int(delta.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    total_min = seconds // 60
    return {Decimal(v) for v in (hours, minutes, secs, total_min, total_min + 1, hours + 1, seconds // 86400)}


def _clock(t: datetime) -> tuple[Decimal, Decimal]:
    local = t.astimezone(SHANGHAI)
    time = time_value(local.hour, local.minute)
    if local.hour == 0 and local.minute == 0:
        time = time_value(24, 0)  # "24:00" is how a midnight end is often written
    return time, Decimal(local.month * 100 + local.day)


def _policy_numbers(catalog: Catalog, product: Product) -> tuple[set[Decimal], set[Decimal], str]:
    money: set[Decimal] = set()
    durations = {Decimal(product.price_protection_days)}
    text = ""
    ship = catalog.shipping_policy(product.shipping_id)
    if ship is not None:
        durations.add(Decimal(ship.dispatch_hours))
        money.add(ship.fee)
        if ship.free_shipping_threshold is not None:
            money.add(ship.free_shipping_threshold)
        text += ship.presale_dispatch + "\n"
    after = catalog.after_sales_policy(product.after_sales_id)
    if after is not None:
        durations.add(Decimal(after.no_reason_return_days))
        if after.warranty_months is not None:
            durations.add(Decimal(after.warranty_months))
        text += after.notes + "\n"
    return money, durations, text + catalog.price_protection.note


@dataclass(slots=True)
class _Sets:
    money: set[Decimal]
    rates: set[Decimal]
    rates_off: set[Decimal]
    durations: set[Decimal]
    times: set[Decimal]
    dates: set[Decimal]
    numbers: set[Decimal]


def _product_sets(catalog: Catalog, product: Product, at: datetime) -> _Sets:
    facts = [facts_at(catalog, sku.sku_id, at) for sku in product.skus]
    money = set().union(*(_money_of_facts(f) for f in facts)) | _history_money(product)
    policy_money, durations, policy_text = _policy_numbers(catalog, product)
    money |= policy_money
    text = product_text(product) + "\n" + policy_text
    mentions = extract(text)
    durations |= {m.value for m in mentions if m.kind is Kind.DURATION}
    dates = {m.value for m in mentions if m.kind is Kind.DATE}
    rates: set[Decimal] = set()
    rates_off: set[Decimal] = set()
    times = {_clock(at)[0]}
    numbers = numbers_in(text) | {Decimal(s.stock) for s in product.skus}
    if product.link_no is not None:
        numbers.add(Decimal(product.link_no))
    sets = _Sets(money, rates, rates_off, durations, times, dates, numbers)
    _promotion_sets(_relevant_promotions(catalog, product), at, sets)
    return sets


def _promotion_sets(promotions: Iterable[Promotion], at: datetime, into: _Sets) -> None:
    """Add what the promotions state to ``into``: their boundaries (times, dates, countdowns), rates
    and quantity caps."""
    for promo in promotions:
        for boundary in (promo.start, promo.end):
            clock, day = _clock(boundary)
            into.times.add(clock)
            into.dates.add(day)
            if boundary > at:
                into.durations |= _countdown_parts(boundary - at)
        if isinstance(promo, Coupon) and promo.rate is not None:
            into.rates.add((promo.rate * 10).normalize())
            into.rates_off.add(((1 - promo.rate) * 100).normalize())
        if isinstance(promo, FlashSale) and promo.quantity_cap:
            into.numbers.add(Decimal(promo.quantity_cap))


def _room_sets(catalog: Catalog, at: datetime) -> _Sets:
    """What a reply about no product may state: the room's promotions (their terms, prices, times
    and the link numbers of the products they are for), "现在有啥券", "今晚有啥秒杀"."""
    sets = _Sets(set(), set(), set(), set(), {_clock(at)[0]}, set(), set())
    for promo in catalog.promotions:
        sets.money |= _promo_money(promo, ())
        ids = (promo.product_id,) if isinstance(promo, FlashSale) else promo.product_ids
        sets.numbers |= {
            Decimal(n) for i in ids if (p := catalog.product(i)) and (n := p.link_no) is not None
        }
    _promotion_sets(catalog.promotions, at, sets)
    return sets


_CATALOG_NUMBERS: dict[tuple[str, int], frozenset[Decimal]] = {}


def _catalog_numbers(catalog: Catalog) -> frozenset[Decimal]:
    key = (catalog.catalog_id, catalog.version)
    cached = _CATALOG_NUMBERS.get(key)
    if cached is not None:
        return cached
    out: set[Decimal] = set()
    for product in catalog.products:
        out |= numbers_in(product_text(product))
        out |= {Decimal(s.stock) for s in product.skus}
        out.add(Decimal(product.link_no or 0))
    for ship in catalog.shipping:
        out |= numbers_in(ship.presale_dispatch) | {Decimal(ship.dispatch_hours), ship.fee}
    for after in catalog.after_sales:
        out |= numbers_in(after.notes) | {Decimal(after.no_reason_return_days)}
        if after.warranty_months is not None:
            out.add(Decimal(after.warranty_months))
    _CATALOG_NUMBERS[key] = frozenset(out)
    return _CATALOG_NUMBERS[key]


def question_numbers(question: str) -> set[Decimal]:
    """The numbers of a question, plus weights in 斤 converted to kg (1 斤 = 0.5 kg)."""
    asked = numbers_in(question)
    asked |= {Decimal(m.group(1)) / 2 for m in _JIN_RE.finditer(question)}
    return asked


MAX_QUANTITY = 999


def _quantity_totals(
    catalog: Catalog, product: Product, at: datetime, asked: set[Decimal], question: str = ""
) -> set[Decimal]:
    """Each SKU's unit price now (and its base price) times each whole quantity of 2 to
    ``MAX_QUANTITY`` among the question's numbers; a SKU that is a pack of the unit asked
    (``answers.packs_of_the_unit``: "120g×2 双支装" for "买4支") times the packs that make it."""
    quantities = {int(q) for q in asked if q == q.to_integral_value() and 2 <= q <= MAX_QUANTITY}
    if not quantities:
        return set()
    packs = packs_of_the_unit(product, normalize(question)) if question else {}
    out: set[Decimal] = set()
    for sku in product.skus:
        f = facts_at(catalog, sku.sku_id, at)
        n = packs.get(sku.sku_id, 1)
        out |= {v * (q // n) for v in (f.price, f.base_price) for q in quantities if q % n == 0}
    return out


def _unit_prices(catalog: Catalog, product: Product, at: datetime) -> set[Decimal]:
    """Each SKU's price now per unit of its spec's amount (``unit_prices.spec_amount``: "120g×2" is
    240 g) and per 100 units, and per piece of a pack (``answers.packs_of``: "双支装" holds 2 支), to the
    cent either way a half cent rounds: "哪个划算" and "多少钱一支" are answered so."""
    out: set[Decimal] = set()
    for sku in product.skus:
        price = facts_at(catalog, sku.sku_id, at).price
        amount = spec_amount(sku.spec)
        # and what one of the pieces a pack holds comes to ("多少钱一支": ¥99 for 2 支 is ¥49.50)
        counts = {n for unit in UNIT_COUNTERS.split("|") if (n := packs_of(product, unit).get(sku.sku_id))}
        pers = {price / n for n in counts}
        if amount is not None:
            pers |= {price / amount.value, price / amount.value * 100}
        for per in pers:
            out |= {per.quantize(CENT, rounding=r) for r in (ROUND_HALF_EVEN, ROUND_HALF_UP)}
    return out


_COUNT_IN_WORDS_RE = re.compile(
    r"([两二三四五六七八九十])\s*(?:个|件|箱|袋|盒|瓶|支|包|套|双|条|只|台|罐|提)"
)


def _counts_in_words(question: str) -> set[Decimal]:
    """Counts the question writes in Chinese numerals before a measure word ("两箱" -> 2)."""
    counts = (count_value(m.group(1)) for m in _COUNT_IN_WORDS_RE.finditer(question))
    return {Decimal(n) for n in counts if n is not None}


MAX_BASKET_COMBINATIONS = 50_000  # price choices summed for a basket (a few products, a few prices)


def _basket_totals(
    catalog: Catalog, products: list[Product], at: datetime, asked: set[Decimal]
) -> set[Decimal]:
    """The sums of one unit price now of each of two or more products (or of two of a product's
    versions), each once or times a whole quantity the question names: what they come to bought
    together ("和12号牛仔裤一起买多少钱", "麻辣味3份、甜辣味2份，再加一份牛轧糖")."""
    if len(products) < 2:
        return set()
    counts = {1} | {int(q) for q in asked if q == q.to_integral_value() and 2 <= q <= MAX_QUANTITY}
    sums: set[Decimal] = {Decimal(0)}
    for product in products:
        prices = {facts_at(catalog, sku.sku_id, at).price for sku in product.skus}
        one = {p * n for p in prices for n in counts}
        # or two of its versions, each with its count ("麻辣味3份、甜辣味2份")
        options = one | {a + b for a in one for b in one}
        sums = {s + o for s in sums for o in options}
        if len(sums) > MAX_BASKET_COMBINATIONS:
            return set()
    return sums


# A day the question dates something by ("11月1号", "上个月20号", "10号买的"): the reply may count the
# days since it.
_DAY_TOLD_RE = re.compile(r"(?:(\d{1,2})\s*月|(上个?月))?\s*(\d{1,2})\s*[号日](?!\s*(?:链接|那款|款))")


def _days_since_told(question: str, at: datetime) -> set[Decimal]:
    """Whole days from each day the question names (this month's or the last's, or of a month said)
    to ``at``'s day in Beijing time."""
    today = at.astimezone(SHANGHAI).date()
    out: set[Decimal] = set()
    for m in _DAY_TOLD_RE.finditer(normalize(question)):
        month, last, day = m.group(1), m.group(2), int(m.group(3))
        candidates = []
        if month:
            candidates.append((today.year, int(month)))
        else:
            previous = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
            candidates.extend([previous] if last else [(today.year, today.month), previous])
        for year, mon in candidates:
            try:
                told = today.replace(year=year, month=mon, day=day)
            except ValueError:
                continue
            if told <= today:
                out.add(Decimal((today - told).days))
    return out


def grounding_for(
    catalog: Catalog, product_ids: Iterable[str], at: datetime, question: str = ""
) -> Grounding:
    """The allowed numbers for a reply about ``product_ids`` at ``at`` to ``question``."""
    asked = question_numbers(question)
    asked_mentions = extract(question)
    q_times = {m.value for m in asked_mentions if m.kind is Kind.TIME}
    q_dates = {m.value for m in asked_mentions if m.kind is Kind.DATE}
    clock, day = _clock(at)
    next_day = _clock(at + timedelta(days=1))[1]
    total = _Sets(
        set(asked),
        set(asked),
        set(asked),
        set(asked),
        {clock, *q_times},
        {day, next_day, *q_dates},
        set(asked),
    )
    products = [p for p in (catalog.product(pid) for pid in dict.fromkeys(product_ids)) if p is not None]
    every = [_product_sets(catalog, product, at) for product in products] or [_room_sets(catalog, at)]
    for product in products:
        total.money |= _quantity_totals(catalog, product, at, asked, question)
        total.money |= _unit_prices(catalog, product, at)
    total.money |= _basket_totals(catalog, products, at, asked | _counts_in_words(question))
    total.durations |= _days_since_told(question, at)
    for sets in every:
        total.money |= sets.money
        total.rates |= sets.rates
        total.rates_off |= sets.rates_off
        total.durations |= sets.durations
        total.times |= sets.times
        total.dates |= sets.dates
        total.numbers |= sets.numbers
    known = (
        _catalog_numbers(catalog)
        | total.money
        | total.rates
        | total.rates_off
        | total.durations
        | total.numbers
        | {Decimal(int(t) // 100) for t in total.times}
        | {Decimal(int(t) % 100) for t in total.times}
    )
    return Grounding(
        money=frozenset(total.money),
        rates=frozenset(total.rates),
        rates_off=frozenset(total.rates_off),
        durations=frozenset(total.durations),
        times=frozenset(total.times),
        dates=frozenset(total.dates),
        product_numbers=frozenset(total.numbers),
        known=frozenset(known),
    )


def products_named(catalog: Catalog, text: str) -> list[str]:
    """Ids of the products whose full name appears in ``text`` (clarifying questions list them)."""
    return [p.product_id for p in catalog.products if p.name and p.name in text]
