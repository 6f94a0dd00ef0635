"""A price asked of several products bought together ("开衫和12号牛仔裤一起买多少钱", "6斤的加一个42号
面包枕多少钱", "卸妆油+3号防晒+7号洗面奶一起多少").

A viewer filling a basket asks what it comes to. Read one product at a time, the line got the price
of one of them (or of the wrong one, with its count): the basket is read whole here. The line is cut
at the words that join products (和, 跟, 加一个, +, 、 ...); each piece names one product of the room by
its link number or its name, or, naming none, a version of the product in view ("6斤的"); where the
line gives each thing its own count with no word between ("白色M两件黑色M一件多少钱"), it is cut where
one thing and its count end, and such a line asks their total with no word of a total; a line
that adds one product to the one in view ("和12号牛仔裤一起买") buys the one in view too. Each
piece's count ("两箱", never a count inside a version's name: "三支套装"; 各 gives every piece one)
and the versions its words name are kept. The answerer prices it (``answers.answer_basket_price``: a
product of several prices adds its lowest, "起"; a version named that is sold out is said so, with
no sum). Pure functions over the normalised line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.danmaku.intent import about_own_order
from assistant.danmaku.matcher import ProductMatcher
from assistant.danmaku.slot_rules import LETTER_SIZE_RE, TOTAL_WORDS, count_said, count_spans, link_numbers
from knowledge.domain import Catalog, Product, Sku

MAX_ITEMS = 4  # products priced in one reply
# A total asked: bought together, added, summed; and a price asked, not a count ("一共有多少个颜色").
_TOGETHER_RE = re.compile(rf"{TOTAL_WORDS}|再加|加上|加(?=[一两二三四五六七八九\d个])|\+")
_PRICE_ASKED_RE = re.compile(r"多少钱|什么价|啥价|价格|几块|几元|到手|多少(?=$|[?!.,呀啊呢]|\s)")
# What joins the names of products in one line: 和, 跟, 还有, a list mark, a space; 加 only before a
# count (加绒, 加厚 are words of goods), or between two names (``_cut``), as + is (a spec's "200ml+100ml"
# is one version).
JOINED_RE = re.compile(r"和|跟|与|以及|还有|、|,|/|\s|再加|加上|加(?=[一两二三四五六七八九\d个])")
# A line that asks with the product in view: it opens by adding to it ("和12号牛仔裤一起买", "加一个
# 42号…") or points at it ("这个和…").
_WITH_THE_ONE_IN_VIEW_RE = re.compile(r"^(?:那|那就)?(?:和|跟|与|加|再加|连|配)|这个|这件|这款|这条|这双|它")
# One count for each of the products ("各两件").
_EACH_RE = re.compile(r"各(.{1,4})")
# What after a count makes it part of a pack's name ("三支套装", "两瓶装").
_PACK_AFTER_RE = re.compile(r"套装|装|套")
_SPEC_WORD_RE = re.compile(r"[^\s×*+/()（）]+")
_VERSION_SUFFIX_RE = re.compile(r"(?<=..)(?:款|装|版)$")


@dataclass(frozen=True, slots=True)
class BasketItem:
    """One product of a basket: how many, and the versions the line names of it (() for none)."""

    product_id: str
    quantity: int = 1
    sku_ids: tuple[str, ...] = ()

    def key(self) -> tuple[object, ...]:
        """What of it changes the answer (part of the line's answer-cache key)."""
        return (self.product_id, self.quantity, self.sku_ids)


def asks_a_total(normalized: str) -> bool:
    """Whether the line asks what several things come to: a price asked with a word of buying
    together or adding ("一起买多少钱", "加一个…多少钱"), with one count for each ("白色M和黑色M各一件多少钱")
    or with a count of each of two things ("麻辣味3份甜辣味2份多少钱"); not a count ("一共有多少个颜色")."""
    if not _PRICE_ASKED_RE.search(normalized):
        return False
    counts = count_spans(normalized)
    each = any(normalized[max(start - 1, 0) : start] == "各" for start, _ in counts)
    return bool(_TOGETHER_RE.search(normalized)) or each or len(counts) >= 2


def pieces_naming(
    normalized: str, matcher: ProductMatcher, catalog: Catalog, in_view: Product | None = None
) -> list[tuple[str, Product | None]]:
    """The line cut at the words that join products (``JOINED_RE``, ``_cut``), each piece with the one
    product it names by its link number or a name only it has (``_named``), or None."""
    cut = [
        c
        for piece in JOINED_RE.split(normalized)
        if piece
        for counted in _after_counts(piece, matcher, catalog, in_view)
        for c in _cut(counted, matcher, catalog, in_view)
    ]
    return [(piece, _named(piece, matcher, catalog)) for piece in cut]


def _after_counts(
    piece: str, matcher: ProductMatcher, catalog: Catalog, in_view: Product | None
) -> list[str]:
    """A piece cut where one thing said with its count ends and the next begins: after the count of
    a thing said before it ("白色m2件黑色m1件" -> "白色m2件", "黑色m1件"), before the count of a thing
    said after it ("2件白色m1件黑色m" -> "2件白色m", "1件黑色m"). A count with nothing named before it
    counts what follows ("买两箱30包的"); one that is part of a version's name of the product in view
    ("肤色3条 M") or of a pack ("三支套装") cuts nothing."""
    specs = "".join(s.spec.lower().replace(" ", "") for s in in_view.skus) if in_view is not None else ""
    pieces, start = [], 0
    for a, b in count_spans(piece):
        head = piece[start:a]
        if (
            piece[a:b] in specs
            or _PACK_AFTER_RE.match(piece, b)
            or not _names(head, matcher, catalog, in_view)
        ):
            continue
        if count_spans(head):
            pieces.append(head)
            start = a
        elif b < len(piece):
            pieces.append(piece[start:b])
            start = b
    pieces.append(piece[start:])
    return [p for p in pieces if p]


def _names(text: str, matcher: ProductMatcher, catalog: Catalog, in_view: Product | None) -> bool:
    """Whether a piece names a product of the room or a version of the product in view."""
    return _named(text, matcher, catalog) is not None or (
        in_view is not None and bool(_versions_named(in_view, text))
    )


def basket_asked(
    normalized: str, matcher: ProductMatcher, catalog: Catalog, in_view: Product | None
) -> tuple[BasketItem, ...]:
    """The products the line asks the total of, in its order (module docstring); () unless it asks a
    total of two or more products (or versions) and is not about the viewer's own order."""
    # "买耳机加充电宝多少钱": 加 between two products' names asks their total too (``_cut`` reads it)
    added = "加" in normalized and _PRICE_ASKED_RE.search(normalized) is not None
    if not (asks_a_total(normalized) or added) or about_own_order(normalized):
        return ()
    found: list[tuple[Product, str]] = []
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for piece, product in pieces_naming(normalized, matcher, catalog, in_view):
        if product is None and in_view is not None and _versions_named(in_view, piece):
            product = in_view  # "6斤的加一个42号面包枕": a version of the product in view
        if product is None:
            continue
        # a product once, or once per version named ("麻辣味3份、甜辣味2份": two versions of one)
        named_ids = tuple(s.sku_id for s in _versions_named(product, piece))
        if (product.product_id, named_ids) in seen or (
            not named_ids and any(p.product_id == product.product_id for p, _ in found)
        ):
            continue
        seen.add((product.product_id, named_ids))
        found.append((product, piece))
    # a product named bare and then by its versions ("3个保温杯，奶白两个、雾蓝一个"): the versions
    itemised = {p.product_id for p, piece in found if _versions_named(p, piece)}
    found = [(p, piece) for p, piece in found if p.product_id not in itemised or _versions_named(p, piece)]
    if (
        len(found) == 1
        and in_view is not None
        and found[0][0].product_id != in_view.product_id
        and _WITH_THE_ONE_IN_VIEW_RE.search(normalized)
    ):
        found.insert(0, (in_view, ""))  # "和12号牛仔裤一起买多少钱": with the one in view
    if len(found) < 2:
        return ()
    each = _EACH_RE.search(normalized)
    each_count = count_said(each.group(1)) if each is not None else None
    items = []
    for product, piece in found[:MAX_ITEMS]:
        versions = _versions_named(product, piece)
        # a count that is part of a version's name ("三支套装") is no count of it
        counted = piece
        for sku in versions:
            for word in _SPEC_WORD_RE.findall(sku.spec.lower()):
                counted = counted.replace(word, " ")
        quantity = count_said(counted) or each_count or 1
        items.append(BasketItem(product.product_id, quantity, tuple(s.sku_id for s in versions)))
    return tuple(items)


def _cut(piece: str, matcher: ProductMatcher, catalog: Catalog, in_view: Product | None) -> list[str]:
    """A piece cut further at a + before a product's name or link ("卸妆油+3号防晒"; not "200ml+100ml"),
    and at a 加 between two products or versions of the one in view ("防晒两支加卸妆油", "白色M加黑色L";
    not "加绒")."""
    for mark in ("+", "加"):
        head, found, tail = piece.partition(mark)
        if not found or not head or not tail:
            continue
        if (mark == "+" and _named(tail, matcher, catalog) is not None) or (
            mark == "加"
            and _names(head, matcher, catalog, in_view)
            and _names(tail, matcher, catalog, in_view)
        ):
            return [head, *_cut(tail, matcher, catalog, in_view)]
    return [piece]


def _named(piece: str, matcher: ProductMatcher, catalog: Catalog) -> Product | None:
    """The one product a piece names: by its link number, else by a name only it has."""
    links = link_numbers(piece)
    if links:
        product_id = matcher.by_link.get(links[0])
        return catalog.product(product_id) if product_id is not None else None
    exact = matcher.match(piece).exact if len(piece) >= 2 else ()
    return catalog.product(exact[0]) if len(exact) == 1 else None


def _holds_word(piece: str, word: str) -> bool:
    """Whether a piece holds a word of a spec: a size in letters standing alone ("白色t恤m码": m), or
    a word of two characters or more, or its core without 款/装/版."""
    if LETTER_SIZE_RE.fullmatch(word):
        return re.search(rf"(?<![a-z]){word}(?![a-z])", piece) is not None
    return len(word) >= 2 and (word in piece or _VERSION_SUFFIX_RE.sub("", word) in piece)


def _versions_named(product: Product, piece: str) -> list[Sku]:
    """The product's versions whose spec words the piece holds most of ("那灰色遥控": 灰色 遥控款;
    "30包的": 25g×30包; "白色t恤m码": 白色 M), [] when it holds none (``_holds_word``)."""
    scored: list[tuple[int, Sku]] = []
    for sku in product.skus:
        words = set(_SPEC_WORD_RE.findall(sku.spec.lower()))
        hits = sum(1 for w in words if _holds_word(piece, w))
        if hits:
            scored.append((hits, sku))
    best = max((h for h, _ in scored), default=0)
    return [sku for h, sku in scored if h == best]
