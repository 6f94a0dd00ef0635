"""Personal data never reaches a log line raw: phone numbers, contact handles, e-mail addresses and
identity-card numbers that viewers put in danmaku or nicknames are masked in every record.

``redact_personal_data`` masks a text; ``RedactPersonalData`` is the logging filter that applies it
to a record's message, each of its arguments, its exception text (a traceback may quote a danmaku)
and its stack text, before any handler formats it; line breaks inside arguments are escaped. It is
one of ``log_config.log_filters()``, so the root handlers and uvicorn's handlers carry it. Lone
UTF-16 surrogates become U+FFFD on the way, so a malformed danmaku cannot make a handler fail to
encode the line.

What is masked (digits may be full-width, as viewers type them):
- mainland mobile numbers, with or without +86 and separators ("138 0013 8000") -> ``[phone]``;
- landline numbers with an area code ("010-12345678") -> ``[phone]``;
- the handle after a contact marker (微信 / vx / wx / QQ / 加V / 加微 / +v ...: "加V: abc12345")
  -> ``加V: [contact]``;
- e-mail addresses -> ``[email]``; 18-character identity-card numbers -> ``[id-card]``.
"""

from __future__ import annotations

import logging
import re

_D = "[0-9０-９]"
_PHONE = re.compile(
    rf"(?<![0-9０-９])(?:(?:\+|＋)?(?:86|８６)[-\s]?)?[1１][3-9３-９](?:[-\s]?{_D}){{9}}(?![0-9０-９])"
    rf"|(?<![0-9０-９])[0０]{_D}{{2,3}}[-－]{_D}{{7,8}}(?![0-9０-９])"
)
_ID_CARD = re.compile(rf"(?<![0-9０-９])[1-9１-９]{_D}{{16}}[0-9０-９Xx](?![0-9０-９])")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_CONTACT = re.compile(
    r"((?:微信|威信|薇信|v信|(?<![a-z])(?:vx|wx|qq)|扣扣|企鹅|q群"
    r"|(?:加|\+|＋|添加|联系|私聊|私信|找)\s*(?:v|V|Ｖ|微|薇|威|q|Q|我))"
    r"\s*(?:号|id|ID)?\s*[:：=]?\s*)"
    r"[A-Za-z0-9_\-Ａ-Ｚａ-ｚ０-９]{5,}",
    re.IGNORECASE,
)
_SURROGATE = re.compile("[\ud800-\udfff]")
_PLAIN = (int, float, bool, type(None))


def redact_personal_data(text: str) -> str:
    """``text`` with phone numbers, contact handles, e-mails and id-card numbers masked."""
    out = _SURROGATE.sub("\ufffd", text)
    out = _CONTACT.sub(lambda m: m.group(1) + "[contact]", out)
    out = _EMAIL.sub("[email]", out)
    out = _ID_CARD.sub("[id-card]", out)
    return _PHONE.sub("[phone]", out)


def _redact_arg(arg: object) -> object:
    """A log argument with personal data masked and line breaks escaped (a msg_id such as
    "x\\nERROR forged" cannot start a log line of its own); numbers and None are kept as they are."""
    if isinstance(arg, str):
        return redact_personal_data(arg).replace("\r", "\\r").replace("\n", "\\n")
    if isinstance(arg, _PLAIN):
        return arg
    try:
        text = str(arg)
    except Exception:  # an object whose __str__ fails is left to logging's own error report
        return arg
    masked = redact_personal_data(text)
    return arg if masked == text else masked


class RedactPersonalData(logging.Filter):
    """Masks personal data in every record (message, arguments, exception and stack text)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact_personal_data(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redact_arg(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _redact_arg(v) for k, v in record.args.items()}
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_personal_data(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_personal_data(record.stack_info)
        self._collapse_if_still_leaking(record)
        return True

    @staticmethod
    def _collapse_if_still_leaking(record: logging.LogRecord) -> None:
        """A number split between the message and its arguments shows only once formatted: then the
        record carries the masked, formatted message and no arguments."""
        if not record.args:
            return
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is reported by logging itself
            return
        masked = redact_personal_data(message)
        if masked != message:
            record.msg, record.args = masked, ()
