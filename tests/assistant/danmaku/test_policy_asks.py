"""Which policy questions ask what the room's policies state (``assistant.danmaku.policy_asks``), and
what an unsure ("open") policy question gets through the pipeline. Invented lines."""

from __future__ import annotations

from datetime import timedelta

import pytest

from assistant.danmaku.normalize import normalize
from assistant.danmaku.policy_asks import asks_what_no_policy_states, asks_what_the_policy_states
from assistant.danmaku.types import Intent
from evals.answers.system import START, PipelineSystem
from tests.assistant.danmaku.test_understanding import biased_model


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("今天下单能发出去不", Intent.SHIPPING),  # when goods are sent
        ("好的 那多久能到啊", Intent.SHIPPING),  # a time to arrive: the dispatch promise, told it is none
        ("那个快递费怎么算的", Intent.SHIPPING),  # what delivery costs
        ("你们发顺丰吗", Intent.SHIPPING),  # the carrier
        ("我在包头，能发货吗？", Intent.SHIPPING),  # whether goods are sent there
        ("收到不喜欢可以退吗", Intent.AFTER_SALES),  # returns
        ("换货的运费谁出", Intent.AFTER_SALES),  # the postage back
        ("要是降价了能保价吗", Intent.PRICE_PROTECTION),
        ("有啥优惠卷没", Intent.DISCOUNT),  # a typo of 券 still asks for coupons
    ],
)
def test_a_fact_the_policy_holds_is_asked(text: str, intent: Intent) -> None:
    assert asks_what_the_policy_states(normalize(text), intent)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("今天中午能送到吗", Intent.SHIPPING),  # an hour of delivery
        ("3点半能送到驿站吗", Intent.SHIPPING),  # a station
        ("货从哪里发出", Intent.SHIPPING),  # where goods ship from
        ("会员包邮吗", Intent.SHIPPING),  # a membership's terms
        ("两瓶是分开发吗", Intent.SHIPPING),  # parcels split
        ("只退其中一瓶可以吗", Intent.AFTER_SALES),  # part of an order
        ("退款要多久才到", Intent.AFTER_SALES),  # refunded money, how fast
        ("保价的钱原路退回吗", Intent.PRICE_PROTECTION),  # where it goes
        ("保价怎么申请", Intent.PRICE_PROTECTION),  # the steps of a request
        ("保修期从啥时候开始算", Intent.AFTER_SALES),  # the day a term starts counting from
        ("三包期按什么为准", Intent.AFTER_SALES),
        ("保修是从下单开始算吗", Intent.AFTER_SALES),
        ("保修要自己出运费吗", Intent.AFTER_SALES),  # how a warranty is served
        ("保修期过了还能修吗", Intent.AFTER_SALES),
    ],
)
def test_what_no_policy_states_is_never_the_policys_to_answer(text: str, intent: Intent) -> None:
    normalized = normalize(text)
    assert asks_what_no_policy_states(normalized, intent)
    assert not asks_what_the_policy_states(normalized, intent)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("为什么还没发货", Intent.SHIPPING),  # a chase
        ("不是说后天能送到吗", Intent.SHIPPING),  # a promise told before
        ("前天收到红包 这个能退吗", Intent.AFTER_SALES),  # a day gone by
        ("上周拍的能保价吗", Intent.PRICE_PROTECTION),
    ],
)
def test_an_unsure_line_telling_the_viewers_own_case_is_no_policy_question(text: str, intent: Intent) -> None:
    normalized = normalize(text)
    assert not asks_what_no_policy_states(normalized, intent)  # the facts asked are the policy's
    assert not asks_what_the_policy_states(normalized, intent)  # but the case is the viewer's own


def test_a_shipping_questions_only_steps_are_sending_goods_back() -> None:
    """ "包邮怎么弄" asks the shipping terms (a procedure word, no request's steps); sending goods back
    is no shipping term."""
    for text in ("包邮怎么弄", "怎么点包邮"):
        assert asks_what_the_policy_states(normalize(text), Intent.SHIPPING), text
    assert asks_what_no_policy_states(normalize("退回去发什么快递"), Intent.SHIPPING)
    assert asks_what_no_policy_states(normalize("保价怎么申请"), Intent.PRICE_PROTECTION)


def test_product_questions_are_no_policy_facts() -> None:
    assert not asks_what_the_policy_states(normalize("多少钱"), Intent.PRICE)
    assert not asks_what_the_policy_states(normalize("运费多少"), Intent.OTHER)


@pytest.fixture
def unsure_room() -> PipelineSystem:
    """A room whose model is unsure of every line: P(route) = (0.44, 0.40, 0.16), the "open" route."""
    system = PipelineSystem(understanding=biased_model((1.0, 0.9, 0.0), Intent.OTHER, 0.0))
    system.reset()
    system.set_stage("MZ07", START)
    return system


@pytest.mark.parametrize(
    ("text", "intent", "said"),
    [
        ("今天能发货吗", "shipping", "48小时内发货"),
        ("那个快递费怎么算的", "shipping", "满¥99包邮"),
        ("多久能到啊", "shipping", "到货时间以快递实际配送为准"),
        ("包邮怎么弄", "shipping", "满¥99包邮"),
        ("收到不喜欢可以退吗", "after_sales", "7天无理由"),
        ("要是降价了能保价吗", "price_protection", "7天保价"),
    ],
)
def test_an_unsure_question_of_what_the_policy_states_gets_the_policy(
    unsure_room: PipelineSystem, text: str, intent: str, said: str
) -> None:
    reply = unsure_room.ask("v1", text, START + timedelta(seconds=60))
    assert reply.source == "catalog" and reply.intent == intent and said in reply.text, reply.text


@pytest.mark.parametrize(
    "text",
    ["退款几天能到账", "为什么还没发货", "前天收到红包 这个能退吗", "今天中午能送到吗", "是从哪里发货的"],
)
def test_an_unsure_question_beyond_the_policy_or_of_the_viewers_case_gets_a_person(
    unsure_room: PipelineSystem, text: str
) -> None:
    reply = unsure_room.ask("v1", text, START + timedelta(seconds=60))
    assert reply.replied and reply.source == "handoff", reply.text
