"""Formatting shared by the answer templates: amounts, clock times, durations, addressing.

One amount format everywhere (Chinese and English): ``¥199`` for whole yuan, ``¥129.90`` otherwise
(always two decimals then), digits exactly as in the facts, never rounded. Times are shown in
Asia/Shanghai (the room's clock) as ``20:10``; a time on another day than the question's time gets
its date (``11月22日 20:10`` / ``Nov 22 20:10``). Durations are ``3分20秒`` / ``3 min 20 s``.
Every finished answer goes through ``compliance.sanitize`` (``finish``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from assistant.danmaku.compliance import sanitize

SHANGHAI = ZoneInfo("Asia/Shanghai")
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_amount(amount: Decimal) -> str:
    """``¥199`` for a whole amount, else ``¥129.90`` (exactly the facts' value, two decimals)."""
    if amount == amount.to_integral_value():
        return f"¥{int(amount)}"
    return f"¥{amount:.2f}"


def format_rate(rate: Decimal, lang: str = "zh") -> str:
    """A coupon rate (the share paid) as ``9折`` / ``8.5折``, or ``10% off`` in English."""
    if lang == "en":
        off = (Decimal(1) - rate) * 100
        return f"{off.normalize():f}% off"
    return f"{(rate * 10).normalize():f}折"


def format_clock(t: datetime, now: datetime | None = None, lang: str = "zh") -> str:
    """``20:10`` in Asia/Shanghai, with the date when ``t`` falls on another day than ``now``."""
    local = t.astimezone(SHANGHAI)
    clock = f"{local:%H:%M}"
    if now is None or now.astimezone(SHANGHAI).date() == local.date():
        return clock
    if lang == "en":
        return f"{_MONTHS_EN[local.month - 1]} {local.day} {clock}"
    return f"{local.month}月{local.day}日 {clock}"


def format_duration(delta: timedelta, lang: str = "zh") -> str:
    """A countdown: ``3分20秒``, ``1小时5分``, ``45秒`` (``3 min 20 s`` in English)."""
    seconds = max(0, int(delta.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if lang == "en":
        if hours:
            return f"{hours} h {minutes} min"
        return f"{minutes} min {secs} s" if minutes else f"{secs} s"
    if hours:
        return f"{hours}小时{minutes}分" if minutes else f"{hours}小时"
    if minutes:
        return f"{minutes}分{secs}秒" if secs else f"{minutes}分钟"
    return f"{secs}秒"


def join(items: Iterable[str], lang: str = "zh") -> str:
    """A list in running text: ``黑色、白色`` / ``black, white``."""
    return (", " if lang == "en" else "、").join(items)


def finish(body: str, nickname: str = "", lang: str = "zh") -> str:
    """The reply as sent: ``@昵称 `` + the body, with every banned term rewritten."""
    text = sanitize(body)
    return f"@{sanitize(nickname)} {text}" if nickname else text


def handoff(lang: str = "zh", nickname: str = "") -> str:
    """The honest answer when no grounded answer exists (``source: handoff``)."""
    body = "I've passed your question to the host." if lang == "en" else "已帮你转给主播，请稍等哦"
    return finish(body, nickname, lang)


def handoff_busy(lang: str = "zh") -> str:
    """The holding reply when the room's handoff queue is full for this minute: the question did not
    reach the host, and the viewer is told so, politely, instead of waiting for nothing."""
    body = (
        "Lots of questions right now, so the host may not get to yours; please ask again in a bit."
        if lang == "en"
        else "现在提问的人有点多，主播可能顾不上，稍后可以再问一次哦"
    )
    return finish(body, "", lang)


def steering_reply(lang: str = "zh", nickname: str = "") -> str:
    """The fixed reply to attempts to steer the bot (it repeats nothing of the attempt)."""
    body = (
        "I can only help with questions about the products in this room."
        if lang == "en"
        else "我只能回答直播间商品相关的问题哦"
    )
    return finish(body, nickname, lang)
