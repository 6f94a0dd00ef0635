"""What a viewer tells of their own purchase when asking for price protection: the day they bought
("5天前买的", "买了快40天", "11月1号买的", "前天拍的") and, where said, the price they paid ("549买的",
"买的时候1399"); a day of the month ("10号买的", "上个月15号买的") is this month's, or the last's when it
is still to come. With it the catalog's price history and the protection rules work the case out
(``answers.answer_protection_told``) instead of a person.

Pure functions over the normalised text (``normalize.normalize``: Chinese numerals are digits,
"十天" is "10天"); the caller passes the clock, read in Beijing time (the room's days). A purchase
told vaguely ("上周", "前几天", "一个月前": a window of days cannot be held against it to the day),
and a date written only with a dot ("10.15买的": a price as often as a date), is no purchase told.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from assistant.danmaku.answer_templates import SHANGHAI

# The verb of buying (``intent._BOUGHT`` is the own-order phrase's: it also takes receiving, 收到).
_PURCHASE_VERB = r"(?:买|拍|下单|下的单|付款|付的款|入手|购买|花了)"
_DAY_WORDS = {"大前天": 3, "前天": 2, "昨天": 1, "今天": 0}
_DAY_WORD = "大前天|前天|昨天|今天"
_UNIT_DAYS = {"天": 1, "周": 7, "星期": 7, "个星期": 7, "礼拜": 7, "个礼拜": 7}
_UNIT = r"天|周|个?星期|个?礼拜"


@dataclass(frozen=True, slots=True)
class _DayPatterns:
    """How a line names the day something happened, for one kind of verb (buying, receiving)."""

    ago: re.Pattern[str]  # N days or weeks before it ("5天前买的", "2周之前下的单", "一周前拍的")
    named: re.Pattern[str]  # a day named, the one nearest before the verb ("今天降价了 我前天买的")
    dated: re.Pattern[str]  # a date with 月, or with 号/日 after a dot ("11月1号买的", "11.1号下的单")
    # a day of this month or of the last ("10号买的", "上个月15号买的"): this month's unless still to come;
    # never a link ("在10号链接买的", "10号那款我买了")
    day_of_month: re.Pattern[str]
    # N days or weeks since it ("买了5天", "下单都10天了", "买了快40天", "签收第9天"): not a term
    # ("30天保价"), nor a quantity ("买了一周的量")
    since: re.Pattern[str]

    def search(self, normalized: str) -> bool:
        return any(
            p.search(normalized) for p in (self.ago, self.named, self.dated, self.day_of_month, self.since)
        )


def _day_patterns(verb: str) -> _DayPatterns:
    return _DayPatterns(
        ago=re.compile(rf"(?<![\d.])(\d{{1,3}}|一|两)\s*({_UNIT})(?:之)?前.{{0,4}}?{verb}"),
        named=re.compile(rf"({_DAY_WORD})(?:(?!{_DAY_WORD}).){{0,8}}?{verb}"),
        dated=re.compile(
            rf"(?<![\d.])(\d{{1,2}})\s*(?:月\s*(\d{{1,2}})\s*[号日]?|\.\s*(\d{{1,2}})\s*[号日])"
            rf"(?:(?!{_DAY_WORD})[^,.!?;]){{0,8}}?{verb}"
        ),
        day_of_month=re.compile(
            rf"(?<![\d.月])(上个?月|这个?月|本月)?\s*(\d{{1,2}})\s*[号日](?!\s*(?:链接|那款|那个|款|的那))"
            rf"(?:(?!{_DAY_WORD})[^,.!?;]){{0,8}}?{verb}"
        ),
        since=re.compile(
            rf"{verb}(?:了|的)?(?:货)?(?:(快)|都|已经|才|刚|刚好|差不多|有)?\s*(第)?\s*(\d{{1,3}}|一|两)\s*({_UNIT})"
            r"(?!内|以内|之内|后|保价|价保|无理由|的量|量|的)"
        ),
    )


_PURCHASE_DAY = _day_patterns(_PURCHASE_VERB)
# What follows the Nth day when it dates an event rather than today ("第2天就坏了", "第3天就降价了").
_EVENT_AFTER_RE = re.compile(r"\s*(?:就|才|便|发现|开始|出现|降|坏|掉)")
# Receiving the goods ("收到5天了", "签收一周了", "前天到的货"): the day a return window counts from.
_RECEIPT_VERB = r"(?:收到|收的货|签收|到货|到手|收货)"
_RECEIPT_DAY = _day_patterns(_RECEIPT_VERB)

# the price paid ("549买的", "1399元拍的", "买的时候549", "买的1399", "花了1399"), never a clock time,
# a link, a quantity or a size ("10:30买的", "链接12买的", "买的50ml", "买的12套")
_NOT_MONEY = r"毫升|克|码|号|厘米|斤|天|个|件|盒|瓶|包|袋|支|片|月|周|套|双|罐|对|只|台|组|桶|箱|点|分"
_AMOUNT = rf"(\d{{2,6}}(?:\.\d{{1,2}})?)(?![\d.:]|\s*[a-z%]|\s*(?:{_NOT_MONEY}))"
_PAID_RE = re.compile(
    rf"(?<![\d.:点])(?<!链接)(\d{{2,6}}(?:\.\d{{1,2}})?)\s*(?:元|块)?(?:钱)?{_PURCHASE_VERB}"
    rf"|{_PURCHASE_VERB}的?(?:时候)?(?:是|才)?\s*{_AMOUNT}|花了\s*{_AMOUNT}"
)


@dataclass(frozen=True, slots=True)
class PurchaseTold:
    """A purchase the viewer told of: how many whole days before today (Beijing time), and the unit
    price paid where said."""

    days_ago: int
    paid: Decimal | None = None
    almost: int | None = None  # "买了快40天": the days said, one more than the whole days gone


def purchase_told(normalized: str, now: datetime) -> PurchaseTold | None:
    """The purchase the line tells of, or None when it names no day of buying to the day."""
    read = _days_ago(_PURCHASE_DAY, normalized, now.astimezone(SHANGHAI).date())
    if read is None:
        return None
    days, almost = read
    match = _PAID_RE.search(normalized)
    paid = Decimal(next(g for g in match.groups() if g)) if match else None
    return PurchaseTold(days, paid, almost)


def tells_a_purchase(normalized: str) -> bool:
    """Whether the line names the day of a purchase (``purchase_told`` reads which)."""
    return _PURCHASE_DAY.search(normalized)


def tells_a_receipt(normalized: str) -> bool:
    """Whether the line names the day the goods were received (``days_since_receipt`` reads which)."""
    return _RECEIPT_DAY.search(normalized)


def days_since_receipt(normalized: str, now: datetime) -> int | None:
    """Whole days from receiving the goods to today (Beijing time) the line tells of ("收到5天了",
    "前天签收的", "11月18号到的货"; "收到快7天了" is 6), or None when it names no such day."""
    read = _days_ago(_RECEIPT_DAY, normalized, now.astimezone(SHANGHAI).date(), to_come=None)
    return None if read is None else read[0]


def _days_ago(
    patterns: _DayPatterns, normalized: str, today: date, to_come: Literal["last year"] | None = "last year"
) -> tuple[int, int | None] | None:
    """Whole days from the day told to ``today``, and the days said where they were "almost" N
    ("买了快40天": not yet 40, so 39 whole days): a count of days ago, a day named or dated, then a
    count of days since. A date still to come this year is last year's (a purchase told), or no day
    at all with ``to_come`` None (a receipt: "11月25号到货的话" is a delivery awaited)."""
    ago = patterns.ago.search(normalized)
    if ago:
        return _count(ago.group(1)) * _UNIT_DAYS[ago.group(2)], None
    named = patterns.named.search(normalized)
    if named:
        return _DAY_WORDS[named.group(1)], None
    dated = patterns.dated.search(normalized)
    if dated:
        days = _days_since(int(dated.group(1)), int(dated.group(2) or dated.group(3)), today, to_come)
        return None if days is None else (days, None)
    of_month = patterns.day_of_month.search(normalized)
    if of_month:
        return _days_since_day_of_month(int(of_month.group(2)), of_month.group(1) or "", today)
    since = patterns.since.search(normalized)
    if since:
        almost, nth, count, unit = since.groups()
        if nth and _EVENT_AFTER_RE.match(normalized, since.end()):
            return None  # "收到第2天就坏了", "买的第3天就降价了": the day something happened, not today
        if nth:  # "签收第9天": the day of receipt is the first, so 8 whole days; "第2周" says no day
            return (_count(count) - 1, None) if _UNIT_DAYS[unit] == 1 and _count(count) >= 1 else None
        days = _count(count) * _UNIT_DAYS[unit]
        return (max(days - 1, 0), days) if almost else (days, None)
    return None


def _count(digits: str) -> int:
    return {"一": 1, "两": 2}.get(digits) or int(digits)


def _days_since(
    month: int, day: int, today: date, to_come: Literal["last year"] | None = "last year"
) -> int | None:
    """Days from the date (this year; when it is still to come, last year's, or None with
    ``to_come`` None) to ``today``."""
    try:
        bought = date(today.year, month, day)
        if bought > today:
            if to_come is None:
                return None
            bought = date(today.year - 1, month, day)
    except ValueError:  # "2月30号": no such day
        return None
    return (today - bought).days


def _days_since_day_of_month(day: int, month_word: str, today: date) -> tuple[int, None] | None:
    """Days from the Nth of this month ("10号"; last month's when still to come) or of the last
    ("上个月15号") to ``today``; None for no such day."""
    last_month = date(today.year - 1, 12, 1) if today.month == 1 else date(today.year, today.month - 1, 1)
    month = last_month if month_word.startswith("上") or day > today.day else today.replace(day=1)
    if month_word.startswith(("这", "本")) and day > today.day:
        return None  # "这个月25号买的" told on the 21st: no such purchase
    try:
        return (today - month.replace(day=day)).days, None
    except ValueError:  # "上个月31号" of a month of 30 days
        return None


def bought_when(days_ago: int, lang: str = "zh", almost: int | None = None) -> str:
    """When the viewer bought, in their own measure ("前天买的", "5天前买的", "买了快40天")."""
    if lang == "en":
        if almost is not None:
            return f"bought almost {almost} days ago"
        return {0: "bought today", 1: "bought yesterday"}.get(days_ago, f"bought {days_ago} days ago")
    if almost is not None:
        return f"买了快{almost}天"
    return {0: "今天买的", 1: "昨天买的", 2: "前天买的"}.get(days_ago, f"{days_ago}天前买的")
