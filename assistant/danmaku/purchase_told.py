"""What a viewer tells of their own purchase when asking for price protection: when they bought it
("5天前买的", "买了快40天", "11月1号买的", "前天拍的") and, where said, the price they paid ("549买的",
"买的时候1399"). With it the catalog's price history and the protection rules work the case out
(``knowledge.price_protection``) instead of a person.

Pure functions over the normalised text (``normalize.normalize``: Chinese numerals are digits,
"十天" is "10天"); the caller passes the clock. A purchase told vaguely ("上周", "前几天", "一个月前":
a window of days cannot be held against it to the day) is no purchase told.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

_BOUGHT = r"(?:买|拍|下单|下的单|付款|付的款|入手|购买|花了)"
# N days or weeks before buying ("5天前买的", "2周前下的单", "一周前拍的")
_AGO_RE = re.compile(rf"(\d{{1,3}}|一)\s*(天|周|个?星期|个?礼拜)前.{{0,4}}?{_BOUGHT}")
# bought N days or weeks ago ("买了5天", "买了快40天了", "下单都10天了")
_SINCE_RE = re.compile(
    rf"{_BOUGHT}(?:了|的)?(?:快|都|已经|才|刚|刚好|差不多|有)?\s*(\d{{1,3}}|一)\s*(天|周|个?星期|个?礼拜)"
    r"(?!内|以内|之内|后)"
)
# a day named ("前天拍的", "昨天买的")
_NAMED_DAYS = {"大前天": 3, "前天": 2, "昨天": 1, "今天": 0}
_NAMED_DAY_RE = re.compile(rf"(大前天|前天|昨天|今天).{{0,8}}?{_BOUGHT}")
# a date ("11月1号买的", "11.1号下的单")
_DATE_RE = re.compile(rf"(\d{{1,2}})\s*[月.]\s*(\d{{1,2}})\s*[号日]?.{{0,4}}?{_BOUGHT}")
# the price paid ("549买的", "1399元拍的", "买的时候549", "买的1399", "花了1399"), never a quantity or
# a size ("买的50ml", "买的2盒")
_NOT_MONEY = r"毫升|克|码|号|厘米|斤|天|个|件|盒|瓶|包|袋|支|片|月|周"
_AMOUNT = rf"(\d{{2,6}}(?:\.\d{{1,2}})?)(?![\d.]|\s*[a-z%]|\s*(?:{_NOT_MONEY}))"
_PAID_RE = re.compile(
    rf"(?<![\d.])(\d{{2,6}}(?:\.\d{{1,2}})?)\s*(?:元|块)?(?:钱)?{_BOUGHT}"
    rf"|{_BOUGHT}的?(?:时候)?(?:是|才)?\s*{_AMOUNT}|花了\s*{_AMOUNT}"
)
_DAYS_PER = {"天": 1, "周": 7, "星期": 7, "个星期": 7, "礼拜": 7, "个礼拜": 7}


@dataclass(frozen=True, slots=True)
class PurchaseTold:
    """A purchase the viewer told of: how many whole days ago, and the unit price paid if said."""

    days_ago: int
    paid: Decimal | None = None


def purchase_told(normalized: str, now: datetime) -> PurchaseTold | None:
    """The purchase the line tells of, or None when it names no day of buying to the day."""
    days = _days_ago(normalized, now.date())
    if days is None:
        return None
    match = _PAID_RE.search(normalized)
    paid = Decimal(next(g for g in match.groups() if g)) if match else None
    return PurchaseTold(days, paid)


def tells_a_purchase(normalized: str) -> bool:
    """Whether the line names the day of a purchase (``purchase_told`` reads which): what the answer
    to a price-protection question turns on, so part of its cache key."""
    return any(p.search(normalized) for p in (_AGO_RE, _SINCE_RE, _NAMED_DAY_RE, _DATE_RE))


def _days_ago(normalized: str, today: date) -> int | None:
    for pattern in (_AGO_RE, _SINCE_RE):
        match = pattern.search(normalized)
        if match:
            count = 1 if match.group(1) == "一" else int(match.group(1))
            return count * _DAYS_PER[match.group(2)]
    named = _NAMED_DAY_RE.search(normalized)
    if named:
        return _NAMED_DAYS[named.group(1)]
    dated = _DATE_RE.search(normalized)
    if dated:
        return _days_since(int(dated.group(1)), int(dated.group(2)), today)
    return None


def _days_since(month: int, day: int, today: date) -> int | None:
    """Days from the date (this year, or last year's when it is still to come) to ``today``."""
    try:
        bought = date(today.year, month, day)
        if bought > today:
            bought = date(today.year - 1, month, day)
    except ValueError:  # "2月30号": no such day
        return None
    return (today - bought).days
