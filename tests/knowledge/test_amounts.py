"""The one amount rule (``knowledge.amounts``) and the import reader that applies it to cells.

Property tests (hypothesis, bounded) check that no input makes either parser fail with anything but
its own error, that every accepted amount is a whole-fen value within range, and that the API
spelling and the import reader agree on every canonical amount.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge.amounts import MAX_AMOUNT, AmountError, amount_problem, parse_amount
from knowledge.domain import FlashSale
from knowledge.ingest.cells import CellError, parse_money
from knowledge.store.validate import promotion_problems

BOUNDED = settings(max_examples=200, deadline=1000)
ANY_TEXT = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=60)
CANONICAL_AMOUNTS = st.decimals(min_value=0, max_value=MAX_AMOUNT, places=2, allow_nan=False)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("199", "199.00"), ("19.9", "19.90"), ("0", "0.00"), ("99999999.99", "99999999.99"), (5, "5.00")],
)
def test_canonical_amounts(raw: object, expected: str) -> None:
    assert str(parse_amount(raw)) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "1e3",
        "1E3",
        "1e5000",
        "1_000",
        "１９９",  # full-width digits: the API takes the canonical spelling only
        "١٩٩",  # Arabic-Indic digits, which Decimal() would read as 199
        "-1",
        "+1",
        "NaN",
        "Infinity",
        "1.999",
        ".5",
        "5.",
        "1,000",
        "¥199",
        " 199",
        "1" * 400,
        "100000000",
        19.9,
        True,
        None,
        10**30,
        Decimal("1e5000"),
        Decimal("NaN"),
        Decimal("-0.01"),
    ],
)
def test_everything_else_is_refused_with_a_message(raw: object) -> None:
    with pytest.raises(AmountError, match=r"amount|199\.00"):
        parse_amount(raw)


@pytest.mark.parametrize(
    "raw", ["1e3", "1e5000", "1_000", "١٩٩", "1" * 400, "100000000", Decimal("1e5000"), 1e12]
)
def test_imports_refuse_the_same_values(raw: object) -> None:
    with pytest.raises(CellError):
        parse_money(raw)


def test_amount_problem_names_the_reason() -> None:
    assert amount_problem(Decimal("1e5000")) == f"is larger than {MAX_AMOUNT}"
    assert amount_problem(Decimal("NaN")) == "is not a number"
    assert amount_problem(Decimal("-1")) == "is negative"
    assert amount_problem(Decimal("0.001")) is not None
    assert amount_problem(Decimal("1E+3")) is None  # a typed value: 1000 is a valid amount
    assert amount_problem(None) is None


@BOUNDED
@given(ANY_TEXT)
def test_parse_amount_raises_only_its_own_error(raw: str) -> None:
    try:
        value = parse_amount(raw)
    except AmountError:
        return
    assert 0 <= value <= MAX_AMOUNT and value == value.quantize(Decimal("0.01"))


@BOUNDED
@given(ANY_TEXT)
def test_parse_money_raises_only_its_own_error(raw: str) -> None:
    try:
        value = parse_money(raw)
    except CellError:
        return
    assert 0 <= value <= MAX_AMOUNT and amount_problem(value) is None


@BOUNDED
@given(CANONICAL_AMOUNTS)
def test_api_and_imports_agree_on_every_canonical_amount(amount: Decimal) -> None:
    text = f"{amount:.2f}"
    assert parse_amount(text) == parse_money(text) == amount
    assert parse_money(f"¥{amount:,.2f}") == amount  # a person's spelling of the same value


@BOUNDED
@given(st.decimals(allow_nan=True, allow_infinity=True))
def test_amount_problem_never_raises_and_matches_the_parser(value: Decimal) -> None:
    why = amount_problem(value)
    try:
        parse_amount(value)
    except AmountError:
        assert why is not None
    else:
        assert why is None


def test_the_store_refuses_what_no_caller_may_save() -> None:
    """Whatever the caller, the store checks amounts and counts of a promotion before saving it."""
    start = datetime(2026, 11, 21, 20, 0, tzinfo=UTC)
    sale = FlashSale("f", "秒杀", start, start + timedelta(hours=1), Decimal("1e5000"), "P1", quantity_cap=-1)
    problems = {p.column: p.message for p in promotion_problems(sale, {})}
    assert problems["price"].endswith(f"is larger than {MAX_AMOUNT}")
    assert "quantity_cap -1 is negative" in problems["quantity_cap"]
