"""Cell parsing: amounts, whole numbers, booleans, times, rates, lists, formula escaping."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from knowledge.ingest.cells import (
    CellError,
    escape_formula,
    parse_bool,
    parse_int,
    parse_money,
    parse_price_history,
    parse_rate,
    parse_time,
    split_list,
    to_text,
    unescape_formula,
)
from knowledge.ingest.columns import TableKind, canonical_column, table_from_name

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("199", "199.00"),
        ("¥1,299.50", "1299.50"),
        ("￥ 59.9", "59.90"),
        ("１９９元", "199.00"),  # full-width digits
        (19.9, "19.90"),
        (29.900000000000002, "29.90"),  # float noise from a spreadsheet
        (Decimal("0.10"), "0.10"),
        (5, "5.00"),
    ],
)
def test_money(raw: object, expected: str) -> None:
    assert parse_money(raw) == Decimal(expected)
    assert str(parse_money(raw)) == expected


@pytest.mark.parametrize(
    "raw", ["1.999", "-1", "NaN", "inf", "1e3", "", True, 1.005, float("nan"), Decimal("-0.01")]
)
def test_money_rejects(raw: object) -> None:
    with pytest.raises(CellError):
        parse_money(raw)


def test_ints_and_bools() -> None:
    assert parse_int("1,200") == 1200
    assert parse_int(12.0) == 12
    assert parse_int(" 7 ") == 7
    for bad in ("1.5", "-3", 2.5, True, "abc"):
        with pytest.raises(CellError):
            parse_int(bad)
    assert [parse_bool(v) for v in ("true", "是", "Y", "1", 1, True)] == [True] * 6
    assert [parse_bool(v) for v in ("FALSE", "否", "n", "0", 0, False)] == [False] * 6
    with pytest.raises(CellError, match="yes/no"):
        parse_bool("maybe")


@pytest.mark.parametrize(
    "raw",
    [
        "2026-11-21 20:00",
        "2026-11-21 20:00:00",
        "2026/11/21 20:00",
        "2026/11/21 20:00:00",
        "2026-11-21T20:00:00+08:00",
        "2026-11-21T12:00:00Z",
        "2026年11月21日 20:00",
        datetime(2026, 11, 21, 20, 0),
    ],
)
def test_times_are_all_the_same_instant(raw: object) -> None:
    moment = parse_time(raw, SHANGHAI)
    assert moment == datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
    assert moment.tzinfo is not None


def test_naive_times_use_the_given_zone_and_dates_mean_midnight() -> None:
    assert parse_time("2026-11-21 20:00", UTC).utcoffset() == timedelta(0)
    assert parse_time("2026-1-5", SHANGHAI) == datetime(2026, 1, 5, tzinfo=SHANGHAI)
    assert parse_time(date(2026, 1, 5), SHANGHAI) == datetime(2026, 1, 5, tzinfo=SHANGHAI)
    for bad in ("2026-02-30 10:00", "tomorrow", "20:00", 45678.5):
        with pytest.raises(CellError):
            parse_time(bad, SHANGHAI)


def test_rates() -> None:
    assert parse_rate("0.9") == Decimal("0.9")
    assert parse_rate("9折") == Decimal("0.9")
    assert parse_rate("8.5折") == Decimal("0.85")
    assert parse_rate("85折") == Decimal("0.85")
    assert parse_rate("90%") == Decimal("0.9")
    for bad in ("0", "1", "1.2", "-0.5", "abc"):
        with pytest.raises(CellError, match="rate"):
            parse_rate(bad)


def test_lists_and_price_history() -> None:
    assert split_list("A|B, C，D;E") == ("A", "B", "C", "D", "E")
    assert split_list(["A", " ", "B"]) == ("A", "B")
    history = parse_price_history("199@2026-11-01 00:00|179.00@2026-11-10T00:00:00+08:00", SHANGHAI)
    assert [p.price for p in history] == [Decimal("199.00"), Decimal("179.00")]
    with pytest.raises(CellError, match="time order"):
        parse_price_history("1@2026-11-10 00:00|2@2026-11-01 00:00", SHANGHAI)
    with pytest.raises(CellError, match="entry 1"):
        parse_price_history("199", SHANGHAI)


def test_formula_text_is_kept_and_escaping_round_trips() -> None:
    for text in ("=SUM(A1)", "+86", "-5度", "@user", "'=x", "''+y", "plain", "it's"):
        assert unescape_formula(escape_formula(text)) == text
    assert escape_formula("=SUM(A1)") == "'=SUM(A1)"
    assert escape_formula("plain") == "plain"
    assert to_text('  =HYPERLINK("x")  ') == '=HYPERLINK("x")'
    assert to_text("'=SUM(A1)") == "=SUM(A1)"
    with pytest.raises(CellError, match="limit is 10000"):
        to_text("x" * 10_001)


def test_header_aliases_and_table_names() -> None:
    assert canonical_column(TableKind.PRODUCTS, "SKU 编码") == "sku_id"
    assert canonical_column(TableKind.PRODUCTS, "商品ID") == "product_id"
    assert canonical_column(TableKind.PRODUCTS, "属性：材质") == "attr:材质"
    assert canonical_column(TableKind.PRODUCTS, "ATTR:Origin") == "attr:Origin"
    assert canonical_column(TableKind.SHIPPING, "发货时效（小时）") == "dispatch_hours"
    assert canonical_column(TableKind.PRODUCTS, "whatever") is None
    assert table_from_name("物流") is TableKind.SHIPPING
    assert table_from_name("After-Sales") is TableKind.AFTER_SALES
    assert table_from_name("notes") is None
