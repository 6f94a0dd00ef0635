"""Size advice from a product's size chart (attribute 尺码建议 / 尺码表).

The demo catalog writes charts as "M：身高155-163cm 体重45-55kg；L：身高163-170cm 体重55-62kg"; the
parser also takes ``:``, ``|`` or new lines, ranges with ~ / 到, weights in 斤, and rows that give
only a weight or a waist. Free-text advice ("偏大半码，平时穿37码建议选36码") is echoed as written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.danmaku.answer_templates import finish
from assistant.danmaku.vocabulary import GIRTHS
from knowledge.domain import Product

SIZE_KEYS = ("尺码建议", "尺码表", "尺码", "size_chart")


@dataclass(frozen=True, slots=True)
class SizeRow:
    """One size of a size chart with its height (cm) and weight (kg) ranges, where given."""

    label: str
    text: str  # the entry as the operator wrote it
    height_cm: tuple[float, float] | None
    weight_kg: tuple[float, float] | None
    # body girths in cm, (kind, low, high); a single value ("腰围66cm") has low == high
    girths: tuple[tuple[str, float, float], ...] = ()

    def girth(self, kind: str) -> tuple[float, float] | None:
        """This size's span of the girth ``kind`` (腰围, 臀围, 胸围), or None (no such column)."""
        return next(((low, high) for k, low, high in self.girths if k == kind), None)


_RANGE_RE = re.compile(
    r"(身高|体重|腰围|臀围|胸围|裤长)?\s*(\d+(?:\.\d+)?)\s*[-~～到至]\s*(\d+(?:\.\d+)?)\s*(cm|厘米|公分|kg|公斤|千克|斤)?"
)


_GIRTH_RE = re.compile(
    rf"({GIRTHS})\s*[:：]?\s*(\d+(?:\.\d+)?)(?:\s*[-~～到至]\s*(\d+(?:\.\d+)?))?\s*(?:cm|厘米|公分)?"
)


def chart_of(product: Product) -> str | None:
    """The product's size chart (the first of ``SIZE_KEYS`` among its attributes), or None."""
    return next((product.attributes[k] for k in SIZE_KEYS if k in product.attributes), None)


def parse_size_chart(text: str) -> list[SizeRow]:
    """Rows of a size chart such as "M：身高155-163cm 体重45-55kg；L：…" (tolerant: ``:`` or ``：``,
    ``;`` ``；`` ``|`` or new lines between entries, ranges with - ~ 到, 斤 converted to kg, labels
    身高/体重 or units cm/kg). Entries without a label or ranges (free advice) are skipped."""
    rows = []
    for entry in re.split(r"[;；|\n]+", text):
        label, sep, rest = entry.strip().partition("：" if "：" in entry else ":")
        if not sep or not label.strip():
            continue
        height = weight = None
        for m in _RANGE_RE.finditer(rest):
            kind, low, high, unit = m.group(1), float(m.group(2)), float(m.group(3)), m.group(4) or ""
            if unit == "斤":
                low, high, unit = low / 2, high / 2, "kg"
            if kind == "身高" or (kind is None and unit in ("cm", "厘米", "公分") and low >= 120):
                height = (low, high)
            elif kind == "体重" or (kind is None and unit in ("kg", "公斤", "千克")):
                weight = (low, high)
        girths = tuple(
            (m.group(1), float(m.group(2)), float(m.group(3) or m.group(2))) for m in _GIRTH_RE.finditer(rest)
        )
        if height or weight or girths:
            rows.append(SizeRow(label.strip().upper(), entry.strip(), height, weight, girths))
    return rows


def _fits(value: float | None, span: tuple[float, float] | None) -> bool:
    return value is not None and span is not None and span[0] <= value <= span[1]


def pick_size(rows: Sequence[SizeRow], height_cm: float | None, weight_kg: float | None) -> SizeRow | None:
    """The row fitting both height and weight, else weight (fit follows the body), else height;
    below every row the smallest, above every row None (out of the chart)."""

    def both(r: SizeRow) -> bool:
        return _fits(height_cm, r.height_cm) and _fits(weight_kg, r.weight_kg)

    def weight_only_chart(r: SizeRow) -> bool:
        return _fits(weight_kg, r.weight_kg) and (height_cm is None or r.height_cm is None)

    def weight(r: SizeRow) -> bool:
        return _fits(weight_kg, r.weight_kg)

    def height(r: SizeRow) -> bool:
        return _fits(height_cm, r.height_cm)

    for test in (both, weight_only_chart, weight, height):
        hit = next((r for r in rows if test(r)), None)
        if hit is not None:
            return hit
    if not rows:
        return None
    first = rows[0]
    below = [
        value < span[0]
        for value, span in ((height_cm, first.height_cm), (weight_kg, first.weight_kg))
        if value is not None and span is not None
    ]
    return first if below and all(below) else None


# A girth a chart gives as one value ("腰围73cm") is nominal: a body up to this much over the largest
# size's (cm) still takes it (2尺2 is 73.3cm), rather than none.
NOMINAL_GIRTH_CM = 1.0


def pick_by_girth(rows: Sequence[SizeRow], kind: str, girth_cm: float) -> SizeRow | None:
    """The first size (chart order, smallest first) whose ``kind`` girth reaches ``girth_cm``: the
    size that holds it, or the next larger where the chart gives single values ("腰围68cm",
    "腰围71cm": 70 takes 71); below every size the smallest, above every size None (a nominal
    single value holds ``NOMINAL_GIRTH_CM`` more)."""
    spans = [(r, span) for r in rows if (span := r.girth(kind)) is not None]
    fitting = next((r for r, (_, high) in spans if girth_cm <= high), None)
    if fitting is None and spans:
        largest, (low, high) = spans[-1]
        return largest if low == high and girth_cm <= high + NOMINAL_GIRTH_CM else None
    return fitting


# The size a viewer usually wears ("平时穿38", "平常38码", "我一般穿38的"): shoes, where no chart of
# the body applies. The number is a shoe size (30-50).
_USUAL_SIZE_RE = re.compile(
    r"(?:平时|平常|一般|日常|通常)(?:都)?(?:穿|是|买)?\s*([3-4]\d)(?:码|号|的)?(?!\d)"
)
# The chart's own example of how the goods run ("平时穿37码建议选36码"): the step it takes.
_CHART_STEP_RE = re.compile(r"平时(?:穿)?\s*([3-4]\d)码?[，,\s]*(?:建议|可以)?(?:选|拍|买|穿)\s*([3-4]\d)码?")


def usual_size(normalized: str) -> int | None:
    """The shoe size the viewer says they usually wear, or None."""
    match = _USUAL_SIZE_RE.search(normalized)
    return int(match.group(1)) if match else None


# What a line that only tells the usual size may hold beside it ("我平时穿38", "这双鞋我一般38的").
_USUAL_FILLER_RE = re.compile(r"我|这个|这款|这双|那双|鞋子?|靴子?|码|号|的|都|啊|呀|哦|吧|[,，。.!！~\s]")


def says_only_usual_size(normalized: str) -> bool:
    """Whether the line tells nothing but the shoe size the viewer usually wears ("我平时穿38"):
    in a live room, a question of which size to take."""
    match = _USUAL_SIZE_RE.search(normalized)
    if match is None:
        return False
    rest = normalized[: match.start()] + normalized[match.end() :]
    return not _USUAL_FILLER_RE.sub("", rest)


def answer_usual_size(
    product: Product, usual: int, lang: str = "zh", nickname: str = "", color: str | None = None
) -> str | None:
    """The size to take for one usually worn, by the step the chart's own example takes ("平时穿37码
    建议选36码": one smaller, so 38 -> 37), quoting the advice; None when the advice gives no such
    example (a person reads it)."""
    chart = chart_of(product)
    match = _CHART_STEP_RE.search(chart or "")
    if chart is None or match is None:
        return None
    pick = usual + int(match.group(2)) - int(match.group(1))
    body = (
        f"usually {usual}: we suggest {pick} (size guide: {chart})"
        if lang == "en"
        else f"平时穿{usual}码建议选{pick}码（尺码建议：{chart}）"
    )
    sold = {int(n) for sku in product.skus for n in re.findall(r"(?<!\d)([3-4]\d)(?!\d)", sku.spec)}
    if sold and pick not in sold:  # the size it comes to is not made
        body += f"; this one comes in no size {pick}" if lang == "en" else f"，这款没有{pick}码"
    else:
        body += size_stock_note(product, str(pick), color, lang)
    return finish(body, nickname, lang)


def answer_size(
    product: Product,
    height_cm: int | None = None,
    weight_kg: float | None = None,
    lang: str = "zh",
    nickname: str = "",
    girth: tuple[str, float] | None = None,
    color: str | None = None,
) -> str | None:
    """A size from the product's 尺码建议 for the viewer's height / weight or a body girth (腰围,
    臀围: jeans and underwear fit by the chart's own column), quoting the chart row and saying which
    versions of that size are sold out (of the ``color`` asked, where one is: ``size_stock_note``); a
    girth and a weight that point at different sizes go by the weight, as height and weight do. None
    when the chart has a column for no measure given (nothing it can judge)."""
    en = lang == "en"
    chart = chart_of(product)
    if chart is None:
        return None
    rows = parse_size_chart(chart)
    if girth is not None and weight_kg is not None and any(r.weight_kg for r in rows):
        # both given: the size that holds both, else the weight (fit follows the body), as for height
        by_girth = pick_by_girth(rows, *girth)
        girth = girth if by_girth is not None and _fits(weight_kg, by_girth.weight_kg) else None
    if girth is not None and any(r.girth(girth[0]) for r in rows):
        return _girth_answer(product, chart, rows, girth, lang, nickname, color)
    if girth is not None and height_cm is None and weight_kg is None:
        return None  # a girth the chart has no column for
    if not rows or (height_cm is None and weight_kg is None):
        body = f"size guide: {chart}" if en else f"尺码建议：{chart}"
        if rows:
            body += "; tell me your height and weight" if en else "，告诉我身高体重帮你选"
        return finish(body, nickname, lang)
    # a measure the chart has no column for is not judged by it: a jeans chart by waist and weight
    # says nothing of a height ("172能穿吗" is not "out of the chart")
    if not any(r.height_cm for r in rows):
        height_cm = None
    if not any(r.weight_kg for r in rows):
        weight_kg = None
    if height_cm is None and weight_kg is None:
        return None
    you = " ".join(
        x for x in (f"{height_cm}cm" if height_cm else "", f"{weight_kg:g}kg" if weight_kg else "") if x
    )
    row = pick_size(rows, height_cm, weight_kg)
    if row is None:
        body = (
            f"{you} is outside the size guide ({chart}); I've asked the host"
            if en
            else f"{you}超出尺码表范围（{chart}），已帮你问主播"
        )
        return finish(body, nickname, lang)
    body = (
        f"for {you} we suggest {row.label} ({row.text})" if en else f"{you}建议选{row.label}码（{row.text}）"
    )
    return finish(body + size_stock_note(product, row.label, color, lang), nickname, lang)


def size_stock_note(product: Product, size: str, color: str | None = None, lang: str = "zh") -> str:
    """Which versions of the size recommended are sold out ("，米白 L已售罄"; "，XL码已售罄" when every
    one is; "，这款没有XXL码" when the specs name sizes but none this one), "" when all are in stock or
    the specs name no size. With ``color`` (the viewer's), only that colour's version counts, and
    the colours that still have the size are named ("，米白 L已售罄，黑色 L有货"; "，灰色没有L码，白色 L有货"
    when that colour is made in no such size)."""
    en = lang == "en"
    words = {sku.sku_id: {w.upper() for w in sku.spec.split()} for sku in product.skus}
    sized = [sku for sku in product.skus if size.upper() in words[sku.sku_id]]
    if not sized:
        charted = {row.label for row in parse_size_chart(chart_of(product) or "")}
        if not any(charted & spec_words for spec_words in words.values()):
            return ""  # the specs name no size of the chart: nothing to say of this one
        return f"; this one comes in no size {size}" if en else f"，这款没有{size}码"
    shade = color.removesuffix("色") if color else ""
    asked = [s for s in sized if shade and shade in s.spec]
    if shade and not asked and any(shade in s.spec for s in product.skus):
        # "灰色 175 70kg": grey is made, but in no L; the colours that are
        made = "、".join(s.spec for s in sized if s.stock > 0)
        note = f"; {color} comes in no {size}" if en else f"，{color}没有{size}码"
        if not made:
            return note + (f", size {size} sold out" if en else f"，{size}码已售罄")
        return note + (f", {made} in stock" if en else f"，{made}有货")
    asked = asked or sized
    gone = [s.spec for s in asked if s.stock <= 0]
    if not gone:
        return ""
    if len(gone) == len(sized):
        note = f"; size {size} is sold out" if en else f"，{size}码已售罄"
        nearby = _neighbours_in_stock(product, size, words)
        if nearby:
            note += (
                f"; next sizes in stock: {', '.join(nearby)}"
                if en
                else f"，相邻尺码有货：{'、'.join(nearby)}"
            )
        return note
    left = [s.spec for s in sized if s.stock > 0]
    note = f"; {', '.join(gone)} sold out" if en else f"，{'、'.join(gone)}已售罄"
    if left:
        note += f", {', '.join(left)} in stock" if en else f"，{'、'.join(left)}有货"
    return note


_LETTER_SIZES = ("XXS", "XS", "S", "M", "L", "XL", "XXL", "XXXL", "XXXXL")
_SIZE_ALIASES = {"2XL": "XXL", "3XL": "XXXL", "4XL": "XXXXL"}


def _size_rank(label: str) -> tuple[int, float]:
    """Where a chart's size stands from small to large: letters (XS < S < M … < XXXL, 2XL = XXL),
    then numbers by value (26 < 27, 36 < 37); labels of neither kind keep the chart's order."""
    letter = _SIZE_ALIASES.get(label, label)
    if letter in _LETTER_SIZES:
        return 0, float(_LETTER_SIZES.index(letter))
    number = re.match(r"\d+(?:\.\d+)?", label)
    return (1, float(number.group(0))) if number else (2, 0.0)


def _neighbours_in_stock(product: Product, size: str, words: dict[str, set[str]]) -> list[str]:
    """The versions in stock of the sizes next to ``size`` in the chart's order (a size smaller and
    one larger: "浅蓝 27、深蓝 29" for a sold-out 28; a numbered size one either side), for a viewer
    to try instead; [] when neither says which sizes are next to it."""
    labels = sorted((row.label.upper() for row in parse_size_chart(chart_of(product) or "")), key=_size_rank)
    if size.upper() in labels:
        at = labels.index(size.upper())
        nearby = {labels[i] for i in (at - 1, at + 1) if 0 <= i < len(labels)}
    elif size.isdigit():  # shoe sizes, which a chart of free advice does not list: one either side
        nearby = {str(int(size) - 1), str(int(size) + 1)}
    else:
        return []
    return [s.spec for s in product.skus if s.stock > 0 and nearby & words[s.sku_id]]


def _girth_answer(
    product: Product,
    chart: str,
    rows: Sequence[SizeRow],
    girth: tuple[str, float],
    lang: str,
    nickname: str,
    color: str | None = None,
) -> str:
    kind, cm = girth
    you = f"{kind} {cm:g}cm" if lang == "en" else f"{kind}{cm:g}cm"
    row = pick_by_girth(rows, kind, cm)
    if row is None:
        body = (
            f"{you} is outside the size guide ({chart}); I've asked the host"
            if lang == "en"
            else f"{you}超出尺码表范围（{chart}），已帮你问主播"
        )
    else:
        body = (
            f"for {you} we suggest {row.label} ({row.text})"
            if lang == "en"
            else f"{you}建议选{row.label}码（{row.text}）"
        ) + size_stock_note(product, row.label, color, lang)
    return finish(body, nickname, lang)
