"""A tiny room: 8 items in two categories, with complements, one out of stock."""

from __future__ import annotations

import pytest

from recommender import ItemInfo, Recommender

T = 1_750_000_000.0


def make_items() -> list[ItemInfo]:
    return [
        ItemInfo(
            "A1", "美妆", price_band="mid", attributes={"肤质": "油皮"}, complements=("A2",), name="洁面"
        ),
        ItemInfo("A2", "美妆", price_band="mid", attributes={"肤质": "油皮"}, name="爽肤水"),
        ItemInfo("A3", "美妆", price_band="high", attributes={"肤质": "干皮"}, name="面霜"),
        ItemInfo("A4", "美妆", price_band="low", attributes={"肤质": "油皮"}, in_stock=False, name="面膜"),
        ItemInfo(
            "B1", "女装", price_band="mid", attributes={"风格": "通勤"}, complements=("B2",), name="西装"
        ),
        ItemInfo("B2", "女装", price_band="mid", attributes={"风格": "通勤"}, name="阔腿裤"),
        ItemInfo("B3", "女装", price_band="low", attributes={"风格": "运动"}, name="卫衣"),
        ItemInfo("B4", "女装", price_band="high", attributes={"风格": "复古"}, name="大衣"),
    ]


@pytest.fixture
def rec() -> Recommender:
    return Recommender(make_items())
