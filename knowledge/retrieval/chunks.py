"""Searchable text chunks of a product: name, attributes, FAQ pairs, description, policies.

Chunks carry no price or stock on purpose: those change during a show, and a price change must
not change any chunk text (so nothing is re-embedded). Prices are answered from
``knowledge.facts`` at question time, never from retrieved text.

Chunk ids are deterministic (``<product_id>:<kind>:<index>``) so an upsert of the same product
replaces exactly its own chunks and an unchanged chunk keeps its id and text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from knowledge.domain import AfterSalesPolicy, Product, ShippingPolicy

ChunkKind = Literal["name", "attributes", "faq", "description", "policy"]
DensePassages = Literal["compact", "names", "chunks"]
CHUNK_KINDS: tuple[ChunkKind, ...] = ("name", "attributes", "faq", "description", "policy")

# Descriptions longer than this (characters) are split at sentence ends into several chunks:
# a short chunk keeps BM25 length normalisation and the e5 embedding focused on one selling point.
DESCRIPTION_CHUNK_CHARS = 200
TITLE_ALIASES = 3  # aliases repeated in the title of every chunk
# Where a sentence ends, and (for ``sentences(..., clauses=True)``) where a clause inside one does.
SENTENCE_END_MARKS = "。！？!?；;\n"
CLAUSE_END_MARKS = "，,"
_SENTENCE_END = re.compile(f"(?<=[{SENTENCE_END_MARKS}])")
_CLAUSE_END = re.compile(f"(?<=[{SENTENCE_END_MARKS}{CLAUSE_END_MARKS}])")
_END_MARKS = SENTENCE_END_MARKS + CLAUSE_END_MARKS


def sentences(text: str, clauses: bool = False, keep_marks: bool = True) -> list[str]:
    """The sentences of ``text`` in order, split after each end mark (。！？!?；; and line ends;
    with ``clauses`` also after ，and ,). ``keep_marks``: each piece as it stands in the text, its
    end mark and spacing kept, so that joined they give the text back (pieces of only whitespace
    left out); else each piece without surrounding spaces and end marks (empty ones left out).

    The one sentence splitter of the project: description chunks (``split_description``) and the
    danmaku answerer's quoting of catalog sentences both use it."""
    pieces = (_CLAUSE_END if clauses else _SENTENCE_END).split(text)
    if keep_marks:
        return [p for p in pieces if p.strip()]
    bare = (p.strip().rstrip(_END_MARKS).strip() for p in pieces)
    return [p for p in bare if p]


@dataclass(frozen=True, slots=True)
class Chunk:
    """One piece of product text that retrieval can return."""

    chunk_id: str
    product_id: str
    kind: ChunkKind
    text: str
    category: str


def _title(product: Product) -> str:
    """Brand and name, without repeating a brand the name already starts with."""
    if not product.brand or product.name.startswith(product.brand):
        return product.name
    return f"{product.brand} {product.name}"


def _name_text(product: Product) -> str:
    parts = [_title(product), *product.aliases, product.category]
    if product.link_no is not None:
        parts.append(f"{product.link_no}号链接")
    return " ".join(p for p in parts if p)


def _attributes_text(product: Product) -> str:
    lines = [f"{key}: {value}" for key, value in product.attributes.items() if value]
    specs = " / ".join(sku.spec for sku in product.skus if sku.spec)
    if specs:
        lines.append(f"规格: {specs}")
    return "\n".join(lines)


def split_description(text: str, max_chars: int = DESCRIPTION_CHUNK_CHARS) -> list[str]:
    """Split ``text`` at sentence ends into pieces of at most about ``max_chars`` characters.

    A single sentence longer than ``max_chars`` is cut hard at ``max_chars``.
    """
    text = text.strip()
    if len(text) <= max_chars:
        return [text] if text else []
    pieces: list[str] = []
    current = ""
    for sentence in sentences(text):
        while len(sentence) > max_chars:
            if current:
                pieces.append(current)
                current = ""
            pieces.append(sentence[:max_chars])
            sentence = sentence[max_chars:]
        if current and len(current) + len(sentence) > max_chars:
            pieces.append(current)
            current = ""
        current += sentence
    if current.strip():
        pieces.append(current)
    return [p.strip() for p in pieces if p.strip()]


def _money(amount: Decimal) -> str:
    return f"{amount.normalize():f}"


def _shipping_lines(shipping: ShippingPolicy) -> list[str]:
    lines = [f"快递: {shipping.carrier}，付款后{shipping.dispatch_hours}小时内发货"]
    if shipping.free_shipping_threshold is None:
        lines.append(f"运费: {_money(shipping.fee)}元，不包邮")
    elif shipping.free_shipping_threshold == 0:
        lines.append("包邮")
    else:
        lines.append(f"满{_money(shipping.free_shipping_threshold)}元包邮，不满运费{_money(shipping.fee)}元")
    if shipping.excluded_regions:
        lines.append(f"不发货或不包邮地区: {'、'.join(shipping.excluded_regions)}")
    if shipping.presale_dispatch:
        lines.append(f"预售: {shipping.presale_dispatch}")
    return lines


def _after_sales_lines(after_sales: AfterSalesPolicy) -> list[str]:
    if after_sales.no_reason_return_days > 0:
        lines = [f"售后: 支持{after_sales.no_reason_return_days}天无理由退换货"]
    else:
        lines = ["售后: 不支持无理由退货"]
    lines.append("有运费险" if after_sales.return_shipping_insurance else "无运费险")
    if after_sales.warranty_months == 0:
        lines.append("不提供保修")
    elif after_sales.warranty_months is not None:
        lines.append(f"保修{after_sales.warranty_months}个月")
    if after_sales.notes:
        lines.append(after_sales.notes)
    return lines


def _policy_text(
    product: Product, shipping: ShippingPolicy | None, after_sales: AfterSalesPolicy | None
) -> str:
    lines: list[str] = []
    if shipping is not None:
        lines.extend(_shipping_lines(shipping))
    if after_sales is not None:
        lines.extend(_after_sales_lines(after_sales))
    if product.price_protection_days > 0:
        lines.append(f"价格保护: 购买后{product.price_protection_days}天内保价")
    elif lines:
        lines.append("不支持保价")
    return "\n".join(lines)


def product_chunks(
    product: Product, shipping: ShippingPolicy | None, after_sales: AfterSalesPolicy | None
) -> list[Chunk]:
    """The chunks of one product, in a stable order (name, attributes, FAQ, description, policy).

    Texts other than the name chunk start with ``【brand name｜first aliases】``.
    Empty parts produce no chunk. ``shipping`` / ``after_sales`` are the policies the product
    names (``Catalog.shipping_policy(product.shipping_id)``), or None.
    """
    pid, category = product.product_id, product.category
    # Every chunk but the name chunk starts with the product's title, so that a FAQ answer or an
    # attribute line still says which product it is about (for BM25 and for the embedding).
    # Viewers call products by their aliases (小黑瓶), so the first few aliases go in the title too.
    nicknames = " ".join(product.aliases[:TITLE_ALIASES])
    title = f"【{_title(product)}{'｜' + nicknames if nicknames else ''}】"
    chunks: list[Chunk] = []

    def add(kind: ChunkKind, index: int, text: str) -> None:
        if text.strip():
            body = text.strip() if kind == "name" else f"{title}{text.strip()}"
            chunks.append(Chunk(f"{pid}:{kind}:{index}", pid, kind, body, category))

    add("name", 0, _name_text(product))
    add("attributes", 0, _attributes_text(product))
    for i, pair in enumerate(product.faq):
        add("faq", i, f"问：{pair.question}\n答：{pair.answer}")
    for i, piece in enumerate(split_description(product.description)):
        add("description", i, piece)
    add("policy", 0, _policy_text(product, shipping, after_sales))
    return chunks


def _compact_text(product: Product) -> str:
    """Title, aliases and category on one short line (~20 tokens).

    Attribute values were tried too (the first three, 16 characters each): same recall on the
    labelled set, 1.3x slower to embed (benchmarks/README.md), so they stay BM25's job.
    """
    return " ".join(p for p in (_title(product), *product.aliases, product.category) if p)


def dense_passages(product: Product, chunks: list[Chunk], mode: DensePassages = "names") -> dict[str, str]:
    """The texts embedded for the dense side of one product, by the chunk id each stands for.

    ``"chunks"``: every chunk's own text (about 7 passages of ~70 tokens per product).
    ``"compact"``: one short passage per product (title, aliases, category; ~20 tokens) standing
    for the whole product, plus each FAQ question with the product's title (~20 tokens) standing
    for its FAQ chunk.
    ``"names"``: only that one compact passage per product.
    BM25 still indexes every chunk in full, so descriptions and policies stay findable by their
    words; the dense side is there for paraphrase, slang and English, which name, aliases and
    questions carry. Costs and recall of each are in benchmarks/README.md.
    """
    if mode == "chunks":
        return {c.chunk_id: c.text for c in chunks}
    out: dict[str, str] = {}
    title = _title(product)
    for chunk in chunks:
        if chunk.kind == "name":
            out[chunk.chunk_id] = _compact_text(product)
        elif chunk.kind == "faq" and mode == "compact":
            index = int(chunk.chunk_id.rsplit(":", 1)[1])
            out[chunk.chunk_id] = f"{title} {product.faq[index].question}"
    return out
