"""Which viewer nicknames a reply may show ("@小王 …"): every byte the service sends passes the
checks its own text passes, and a nickname is the viewer's text.

``shown_nickname`` returns the nickname to put after "@", or None when it must not be shown; the
reply then names no one (``reply_to`` still lists the message ids). A nickname is refused when,
as written or normalised (full width, Traditional script, decorations between the characters):

- it contains a banned advertising term (``compliance.find_banned``: 最, 第一, 全网最低价,
  国家级, 100%有效 ...);
- it states an amount or a price claim: a currency sign, a number with a money unit or a rate
  (1元, 9块9, 8折, 50%), a decimal number (0.01), or 只要 / 免费 / 白送 / 特价 ...;
- it is an insult, advertises (a link, 加V / 微信 / QQ handle, a phone number), carries a run of five
  or more digits (QQ numbers, ids), or tries to steer the assistant (triage's rules);
- it contains markup or escaping characters (< > & " ' ` \\), "@" (it could address someone
  else), U+FFFD (what was not valid Unicode), or a control, format (bidirectional override
  U+202E, zero-width joiner), private-use, unassigned or surrogate code point, or a line or
  paragraph separator;
- it is longer than ``MAX_SHOWN_CHARS`` characters.
"""

from __future__ import annotations

import re
import unicodedata

from assistant.danmaku.compliance import find_banned
from assistant.danmaku.normalize import normalize
from assistant.danmaku.triage import advertises, is_abusive, is_steering

MAX_SHOWN_CHARS = 20
_MAX_COMBINING_MARKS = 3  # more stacked accents than any name needs ("Zalgo" text)
_FORBIDDEN_CHARS = frozenset("<>&\"'`\\@＠\ufffd")  # U+FFFD: text that was not valid Unicode
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_MONEY_RE = re.compile(
    r"[¥$€£₩]"
    r"|\d\s*(?:元|块|圆|毛|角|分钱|折|%|rmb|cny|yuan|刀|美元|美金)"
    r"|[零〇一二两三四五六七八九十百千万]\s*(?:元|块|毛|角|折)"
    r"|\d+[.,]\d+"
    r"|\d{5,}"
    r"|只要|只卖|只需|仅需|仅售|仅要|白送|免费|不要钱|包邮|特价|低价|底价|秒杀|清仓|价格|售价|价钱|折扣|优惠|券"
    r"|(?<![a-z])free(?![a-z])"
)
_NOT_WORD_RE = re.compile(r"[\W_]+")


def _characters_ok(nickname: str) -> bool:
    marks = 0
    for char in nickname:
        if char in _FORBIDDEN_CHARS:
            return False
        category = unicodedata.category(char)
        if category in _FORBIDDEN_CATEGORIES:
            return False
        marks += category == "Mn"
    return marks <= _MAX_COMBINING_MARKS


def _says_something(text: str) -> bool:
    """Whether one spelling of a nickname carries a claim, an amount, an insult, an ad or steering."""
    return bool(
        find_banned(text)
        or _MONEY_RE.search(text)
        or is_abusive(text)
        or advertises(text)
        or is_steering(text)
    )


def shown_nickname(nickname: str) -> str | None:
    """The nickname to show after "@" (stripped), or None when it may not be shown (rules above)."""
    name = nickname.strip()
    if not name or len(name) > MAX_SHOWN_CHARS or not _characters_ok(name):
        return None
    normalized = normalize(name)
    compact = _NOT_WORD_RE.sub("", normalized)
    for spelling in dict.fromkeys((name, name.lower(), normalized, compact)):
        if _says_something(spelling):
            return None
    return name
