"""Personal data never reaches a log line raw: the filter on a real logger and handler."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.service.log_config import log_filters
from assistant.service.redact import RedactPersonalData, redact_personal_data

PHONE = "13912345678"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"我的电话{PHONE}多少钱", "我的电话[phone]多少钱"),
        ("138 0013 8000", "[phone]"),
        ("+86 13800138000", "[phone]"),
        ("１３８００１３８０００", "[phone]"),  # full-width digits
        ("010-12345678", "[phone]"),
        ("加V: abc12345 看看", "加V: [contact] 看看"),
        ("wx:lily_2024", "wx:[contact]"),
        ("微信号 abcdefg", "微信号 [contact]"),
        ("qq 123456789", "qq [contact]"),
        ("mail me a.b@example.com", "mail me [email]"),
        ("身份证110101199003074514", "身份证[id-card]"),
        ("bad \ud800 text", "bad \ufffd text"),
    ],
)
def test_personal_data_is_masked(text: str, expected: str) -> None:
    assert redact_personal_data(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        '127.0.0.1:54321 - "POST /v1/rooms/demo/danmaku HTTP/1.1" 200',
        "ts 1732190400123 reply r12345 version 20240101",
        "demo catalog loaded at version 3",
    ],
)
def test_ordinary_log_text_is_left_alone(text: str) -> None:
    assert redact_personal_data(text) == text


@pytest.fixture
def logger() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    for log_filter in log_filters():  # what the service's handlers carry
        handler.addFilter(log_filter)
    log = logging.getLogger("tests.redact")
    log.propagate = False
    log.setLevel(logging.DEBUG)
    log.addHandler(handler)
    yield log, stream
    log.removeHandler(handler)


def test_message_arguments_and_tracebacks_are_masked(logger: tuple[logging.Logger, io.StringIO]) -> None:
    log, stream = logger
    log.warning("danmaku from %s: %s (%d)", PHONE, "加V: abc12345", 3)
    try:
        raise ValueError(f"cannot answer {PHONE!r}")
    except ValueError:
        log.exception("danmaku %s failed", "m1")
    log.info("%s%s", PHONE[:6], PHONE[6:])  # a number split between two arguments
    log.info("danmaku %s ignored", "m1\nERROR forged line")
    output = stream.getvalue()
    assert "danmaku m1\\nERROR forged line ignored" in output
    assert "INFO [phone]" in output
    assert PHONE not in output and "abc12345" not in output
    assert "danmaku from [phone]: 加V: [contact] (3)" in output
    assert "ValueError: cannot answer '[phone]'" in output and "Traceback" in output


def test_access_log_arguments_keep_their_shape() -> None:
    """uvicorn's access formatter unpacks the record's five arguments: they stay five."""
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", f"/v1/rooms/r/viewers/{PHONE}/recommendations", "1.1", 200),
        None,
    )
    assert RedactPersonalData().filter(record)
    assert isinstance(record.args, tuple) and len(record.args) == 5
    assert (
        record.getMessage()
        == '127.0.0.1:5000 - "GET /v1/rooms/r/viewers/[phone]/recommendations HTTP/1.1" 200'
    )


@settings(max_examples=150, deadline=1000)
@given(st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=80))
def test_masking_never_raises_and_leaves_no_phone(text: str) -> None:
    masked = redact_personal_data(f"{text}，{PHONE}，{text}")  # a longer digit run is not a phone
    assert PHONE not in masked
    masked.encode("utf-8")
