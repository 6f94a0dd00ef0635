"""Request validation: promotion bodies and cleaned text (the rules behind the API's 422s)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from assistant.service.errors import UnprocessableError
from assistant.service.inputs import PromotionIn, promotion_from_body, scrub_text
from knowledge.domain import Coupon, FlashSale, SpendDiscount

FLASH: dict[str, Any] = {
    "type": "flash_sale",
    "title": "秒杀",
    "start": "2026-11-21T20:00:00+08:00",
    "end": "2026-11-21T21:00:00+08:00",
    "price": "9.90",
    "product_id": "MZ01",
}


def test_valid_promotions_of_each_type() -> None:
    flash = promotion_from_body("f", {**FLASH, "quantity_cap": 0})
    assert isinstance(flash, FlashSale) and flash.price == Decimal("9.90") and flash.quantity_cap == 0
    coupon = promotion_from_body("c", {**FLASH, "type": "coupon", "rate": "0.85", "price": None})
    assert isinstance(coupon, Coupon) and coupon.rate == Decimal("0.85")
    spend = promotion_from_body("s", {**FLASH, "type": "spend_discount", "threshold": 199, "amount": "20"})
    assert isinstance(spend, SpendDiscount) and (spend.threshold, spend.amount) == (Decimal(199), Decimal(20))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"price": "1e5000"}, "price"),
        ({"price": "1" * 400}, "price"),
        ({"price": "-1"}, "price"),
        ({"price": 9.9}, "price"),
        ({"price": None}, "price"),
        ({"quantity_cap": -1}, "quantity_cap"),
        ({"quantity_cap": 1.5}, "quantity_cap"),
        ({"quantity_cap": True}, "quantity_cap"),
        ({"start": "9999-01-01T00:00:00+08:00"}, "start"),
        ({"start": "2026-11-21T20:00:00"}, "start"),
        ({"end": "2026-11-21T19:00:00+08:00"}, "end"),
        ({"type": "voucher"}, "type"),
        ({"type": "coupon", "amount": "10", "rate": "0.9"}, "rate"),
        ({"type": "coupon", "rate": "1e-5000"}, "rate"),
        ({"type": "coupon", "amount": "5", "per_viewer_limit": 0}, "per_viewer_limit"),
        ({"type": "spend_discount", "threshold": "１００", "amount": "10"}, "threshold"),
    ],
)
def test_bad_promotions_are_422_naming_the_field(change: dict[str, Any], field: str) -> None:
    with pytest.raises(UnprocessableError, match=field):
        promotion_from_body("p", {**FLASH, **change})


def test_lone_surrogates_become_replacement_characters() -> None:
    assert scrub_text("a\ud800b\udfff") == "a\ufffdb\ufffd"
    assert scrub_text("😀") == "😀"
    parsed = PromotionIn.model_validate({**FLASH, "title": "秒\ud83d杀", "sku_ids": ["s\udc00"]})
    assert parsed.title == "秒\ufffd杀" and parsed.sku_ids == ["s\ufffd"]
