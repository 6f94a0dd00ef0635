"""Chunking of products and the search tokenizer."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from knowledge.demo import load_demo_catalog
from knowledge.domain import AfterSalesPolicy, FaqPair, Product, ShippingPolicy, Sku
from knowledge.retrieval import product_chunks, tokenize
from knowledge.retrieval.chunks import split_description
from knowledge.retrieval.tokenize import is_dictionary_word


def _product(**changes: object) -> Product:
    base = Product(
        product_id="P1",
        name="云朵羽绒服",
        brand="北纬",
        category="服饰",
        link_no=3,
        skus=(Sku("P1-M", "黑色 M", Decimal("499")), Sku("P1-L", "白色 L", Decimal("499"))),
        description="90白鸭绒。轻盈保暖。",
        attributes={"含绒量": "90%", "面料": "锦纶"},
        aliases=("小云朵",),
        faq=(FaqPair("偏大吗", "正常尺码"), FaqPair("掉毛吗", "防钻绒面料")),
        price_protection_days=15,
    )
    return dataclasses.replace(base, **changes)


SHIP = ShippingPolicy("S1", carrier="顺丰", dispatch_hours=48, excluded_regions=("新疆",))
AFTER = AfterSalesPolicy("A1", no_reason_return_days=7, return_shipping_insurance=True)


def test_chunks_have_kinds_ids_and_texts() -> None:
    chunks = product_chunks(_product(), SHIP, AFTER)
    assert [c.chunk_id for c in chunks] == [
        "P1:name:0",
        "P1:attributes:0",
        "P1:faq:0",
        "P1:faq:1",
        "P1:description:0",
        "P1:policy:0",
    ]
    name, attrs, faq0, _, desc, policy = chunks
    assert name.text == "北纬 云朵羽绒服 小云朵 服饰 3号链接"
    assert "含绒量: 90%" in attrs.text and "面料: 锦纶" in attrs.text and "黑色 M / 白色 L" in attrs.text
    assert faq0.text == "【北纬 云朵羽绒服｜小云朵】问：偏大吗\n答：正常尺码"
    assert desc.text.endswith("90白鸭绒。轻盈保暖。")
    assert "顺丰" in policy.text and "48小时" in policy.text and "新疆" in policy.text
    assert "7天无理由" in policy.text and "15天" in policy.text
    assert {c.category for c in chunks} == {"服饰"} and {c.product_id for c in chunks} == {"P1"}


def test_chunks_are_deterministic_and_carry_no_prices() -> None:
    before = product_chunks(_product(), SHIP, AFTER)
    cheaper = _product(skus=(Sku("P1-M", "黑色 M", Decimal("399"), stock=3),))
    after = product_chunks(cheaper, SHIP, AFTER)
    assert [c for c in before if c.kind != "attributes"] == [c for c in after if c.kind != "attributes"]
    assert product_chunks(_product(), SHIP, AFTER) == before
    assert all("499" not in c.text for c in before)


def test_empty_parts_make_no_chunks() -> None:
    bare = Product(product_id="P2", name="杯子", skus=(Sku("s", "", Decimal("9")),))
    assert [c.kind for c in product_chunks(bare, None, None)] == ["name"]


def test_long_descriptions_are_split_at_sentence_ends() -> None:
    text = "".join(f"第{i}句卖点说明，质地轻薄不黏腻。" for i in range(30))
    pieces = split_description(text, max_chars=100)
    assert len(pieces) > 3
    assert all(len(p) <= 100 for p in pieces)
    assert "".join(pieces) == text
    assert all(p.endswith("。") for p in pieces)
    chunks = product_chunks(_product(description=text), None, None)
    assert [c.chunk_id for c in chunks if c.kind == "description"][:2] == [
        "P1:description:0",
        "P1:description:1",
    ]


def test_every_demo_product_has_name_and_policy_chunks() -> None:
    catalog = load_demo_catalog()
    for p in catalog.products:
        kinds = {
            c.kind
            for c in product_chunks(
                p, catalog.shipping_policy(p.shipping_id), catalog.after_sales_policy(p.after_sales_id)
            )
        }
        assert {"name", "policy"} <= kinds, p.product_id


def test_tokenizer_words_bigrams_and_particles() -> None:
    tokens = tokenize("这款粉底液干皮能用吗？")
    assert "粉底液" in tokens and "干皮" in tokens
    assert "#粉底" in tokens and "#底液" in tokens
    assert "吗" not in tokens and "这款" not in tokens and not any("吗" in t for t in tokens)


def test_tokenizer_normalises_traditional_fullwidth_and_english() -> None:
    assert tokenize("保價嗎") == tokenize("保价吗")
    assert "iphone15" in tokenize("ＩＰｈｏｎｅ15 手机壳")
    tokens = tokenize("Does the 50ml bottle fit in a carry-on?")
    assert {"50ml", "50", "ml", "bottle", "carry"} <= set(tokens)
    assert "the" not in tokens and "does" not in tokens


def test_typo_still_shares_bigrams() -> None:
    typo, right = set(tokenize("粉底夜持久吗")), set(tokenize("粉底液持久"))
    assert "#粉底" in typo & right and "#持久" in typo & right


def test_dictionary_words_are_told_from_typos() -> None:
    assert is_dictionary_word("东北") and is_dictionary_word("吹风机")
    assert not is_dictionary_word("保温悲") and not is_dictionary_word("生平板")
