"""The danmaku pipeline of one service: every message goes
dedupe -> flood limit -> understand -> decide -> clarification? -> resolve -> group -> budget -> cache
-> answer.

"decide" is the learned understanding model (``understanding.UnderstandingModel``, optional): it
routes each line to an answer, a person (handoff) or silence, may take up a line the rules called
chatter or steering (to a person only, for steering), and may correct the rule intent. Without a
model the rules decide alone.

A line that asks several things of one product ("多少钱 包邮吗") gets each answer the catalog holds,
joined in one reply (``further_asks``).

Questions that resolve to the same thing in one batch are answered once (``reply_to`` lists every
message); answers are cached across batches (``AnswerCache``). Nothing here blocks on I/O except the
optional LLM call inside ``Answerer`` for open questions, which is bounded by its own deadline.

After each batch the optional ``on_batch`` callback gets how many messages arrived and the result
(the service turns it into the danmaku, reply and latency metrics).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from assistant.danmaku.answering import Answerer, Composed, Question, answer_facets
from assistant.danmaku.answers_product import swallowed_faq
from assistant.danmaku.basket import BasketItem, basket_asked
from assistant.danmaku.brands import asks_another_brand
from assistant.danmaku.cache import AnswerCache, AnswerKey, CachedAnswer
from assistant.danmaku.clarify import answer_to_pending
from assistant.danmaku.dialogue import DialogueStore, ViewerDialogue
from assistant.danmaku.followup import (
    FOLLOWUP_MAX_CHARS,
    VERSIONED_INTENTS,
    carry_over_intent,
    continues_dialogue,
    version_named_alone,
)
from assistant.danmaku.further_asks import (
    ALIKE_INTENTS,
    WORDED_INTENTS,
    first_question,
    further_asks,
    products_asked_alike,
)
from assistant.danmaku.intent import (
    about_own_order,
    as_question,
    asks_whether_sold,
    asks_which_link,
    compared_elsewhere,
    extract_product_reference,
    goods_head,
    mentions_a_fault,
    price_checked,
    reports_a_problem,
    sold_thing,
    speaks_of_the_sale,
    understand,
    version_asked,
    works_out_a_case,
)
from assistant.danmaku.matcher import ProductMatcher
from assistant.danmaku.normalize import normalize
from assistant.danmaku.pipeline_state import PipelineState
from assistant.danmaku.policy_asks import asks_what_the_policy_states
from assistant.danmaku.product_questions import (
    SPEC_COLOUR_CHARACTERS,
    VERSION_INTENTS,
    answers_the_words,
    asks_for_unlisted_goods,
    asks_with_own_situation,
    complains_of_the_sale,
    counted_by_versions,
    gives_a_body_to_size,
    gives_a_usual_size,
    names_goods_sold,
    phone_makers_as_android,
    read_complaint,
    sizes_said_as_numbers,
    version_held,
    version_picked_by_link,
)
from assistant.danmaku.replies import BatchResult, Ignored, Joined, Reply, address
from assistant.danmaku.resolve import (
    Resolution,
    resolve_product,
    several_versions,
    skus_holding,
    version_said,
)
from assistant.danmaku.slot_rules import LETTER_SIZE_RE, link_numbers
from assistant.danmaku.triage import asked_clauses, without_chatter_around
from assistant.danmaku.types import Danmaku, FurtherAsk, Intent, ReplySource, Slots, Triage, Understanding
from assistant.danmaku.understanding import Route, UnderstandingModel, silences, stays_quiet, takes_up
from assistant.rooms import Room
from assistant.state.codecs import answer_key_text, question_key_text
from assistant.state.records import RecentReply
from knowledge.domain import Catalog, FlashSale, Product
from knowledge.facts import sku_facts

log = logging.getLogger(__name__)

# Purchase questions are answered first when a room is over its reply rate.
PRIORITY: dict[Intent, int] = {
    Intent.PRICE: 0,
    Intent.FLASH_SALE: 0,
    Intent.DISCOUNT: 0,
    Intent.HOW_TO_ORDER: 0,
    Intent.STOCK: 1,
    Intent.PRICE_PROTECTION: 1,
    Intent.SIZE: 1,
    Intent.VARIANT: 1,
    Intent.SHIPPING: 2,
}


@dataclass(frozen=True, slots=True)
class PipelineLimits:
    viewer_messages_per_min: int = 20
    room_replies_per_s: float = 20.0
    seen_ids_per_room: int = 200_000
    join_window_s: float = 10.0  # a repeat within this much room time joins the reply just posted
    open_question_workers: int = 4  # open questions (maybe LLM) answered side by side in a batch


AnsweredHook = Callable[[str, Danmaku, str | None, Intent], None]
BatchHook = Callable[[int, BatchResult], None]  # (messages received, what became of them)


# The questions of a sale (what it costs, whether it is there, its deals, shipping): asked of a
# product named by its name, never chat, whatever the understanding model reads.
_SALE_INTENTS = frozenset(
    {Intent.PRICE, Intent.STOCK, Intent.DISCOUNT, Intent.FLASH_SALE, Intent.SHIPPING, Intent.PRICE_PROTECTION}
)


# The words by which a line states its question beyond a model's reading, by the rules' intent: a
# coupon or 满减 named for a deal, whether a version is there for stock.
_STATED_INTENT_RE: dict[Intent, re.Pattern[str]] = {
    Intent.DISCOUNT: re.compile(r"券|满减|满\d+减"),
    Intent.STOCK: re.compile(r"有没有|有吗|还有|有货|没货|售罄"),
}


def _states_its_intent(understanding: Understanding) -> bool:
    """Whether the line's own words state the intent the rules read (``_STATED_INTENT_RE``)."""
    stated = _STATED_INTENT_RE.get(understanding.intent)
    return stated is not None and stated.search(understanding.normalized) is not None


def _a_price_of(
    amount: Decimal | None, product: Product | None, room: Room, catalog: Catalog, at: datetime
) -> bool:
    """Whether ``amount`` is a price of the product now, its list price, or a flash sale's of today
    (a viewer checking it: "还能199吗"), not any number said ("主播还18吗")."""
    if amount is None or product is None:
        return False
    promotions = (*catalog.promotions, *room.promotions)
    prices = {p.price for p in promotions if isinstance(p, FlashSale) and p.product_id == product.product_id}
    for sku in product.skus:
        facts = sku_facts(product, sku, promotions, at)
        prices |= {facts.price, facts.base_price, *((facts.list_price,) if facts.list_price else ())}
    return amount in prices


class DanmakuPipeline:
    """Answers batches of danmaku for any room of the service."""

    def __init__(
        self,
        answerer: Answerer,
        dialogue: DialogueStore,
        cache: AnswerCache,
        limits: PipelineLimits,
        on_answered: AnsweredHook | None = None,
        on_batch: BatchHook | None = None,
        understanding: UnderstandingModel | None = None,
        state: PipelineState | None = None,
    ) -> None:
        """``state``: where dedupe ids, rate limits, recent replies and reply ids live (the
        service's state stores); None keeps them in process with ``limits``."""
        self._answerer = answerer
        self._model = understanding
        self._dialogue = dialogue
        self._cache = cache
        self._limits = limits
        self._on_answered = on_answered
        self._on_batch = on_batch
        self._state = state or PipelineState.in_memory(
            limits.viewer_messages_per_min,
            limits.room_replies_per_s,
            limits.seen_ids_per_room,
            limits.join_window_s,
        )
        self._matchers: dict[str, ProductMatcher] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(
            max_workers=limits.open_question_workers, thread_name_prefix="answers"
        )

    def handle(
        self,
        room: Room,
        catalog: Catalog,
        messages: Sequence[Danmaku],
        now: datetime | None = None,
        deduped: bool = False,
    ) -> BatchResult:
        """Answer one batch; every message ends up in one reply, ``joined`` to a recent one, or
        ``ignored`` with a reason. ``now`` is the service's clock: the room's reply budget refills
        on it, never on a client's ``ts`` (None: the newest message time, for callers without one).

        One message never fails the batch: a message or group whose processing raises is logged and
        ignored as ``internal_error``; the others are answered. ``deduped``: the msg_ids were
        recorded already (a durable danmaku log deduplicates on acceptance): no seen-id check."""
        started = time.perf_counter()
        result = BatchResult()
        received = now or max((m.ts for m in messages), default=None)
        matcher = self._matcher(catalog)
        groups: dict[AnswerKey, list[Question]] = {}
        for message in messages:
            try:
                question = self._admit(
                    room, catalog, matcher, received or message.ts, message, result, deduped
                )
            except Exception:
                log.exception("danmaku %s of room %s failed; ignored", message.msg_id, room.room_id)
                result.ignored.append(Ignored(message.msg_id, "internal_error"))
                continue
            if question is not None:
                groups.setdefault(question.key, []).append(question)
        ordered = sorted(
            groups.values(), key=lambda g: (PRIORITY.get(g[0].understanding.intent, 3), g[0].message.ts)
        )
        budget_at = now or max((m.ts for m in messages), default=None)
        planned: list[list[Question]] = []
        stated: dict[int, tuple[Composed, bool]] = {}  # lines taken for chat, answered before the budget
        for group in ordered:
            try:
                if self._join_recent(room, group, result):
                    continue
                if group[0].route == "silent":  # most stay silent: only a reply takes the budget
                    composed, cached = self._compose(room, catalog, group)
                    if composed.chat:
                        result.ignored.extend(Ignored(q.message.msg_id, str(Triage.CHATTER)) for q in group)
                        continue
                    stated[len(planned)] = (composed, cached)
            except Exception:
                self._failed(room, group, result)
                continue
            if budget_at is not None and not self._state.guards.take_reply(room.room_id, budget_at):
                result.ignored.extend(Ignored(q.message.msg_id, "room_rate") for q in group)
                stated.pop(len(planned), None)
                continue
            planned.append(group)
        # Open and unsure questions may wait on the LLM: answer them side by side, the rest inline.
        pending = {
            i: self._pool.submit(self._compose, room, catalog, group)
            for i, group in enumerate(planned)
            if i not in stated and (group[0].understanding.intent is Intent.OTHER or group[0].route == "open")
        }
        for i, group in enumerate(planned):
            try:
                if i in stated:
                    composed, cached = stated[i]
                elif i in pending:
                    composed, cached = pending[i].result()
                else:
                    composed, cached = self._compose(room, catalog, group)
                if composed.source is ReplySource.HANDOFF and (composed.chat or all(q.quiet for q in group)):
                    # chat-like (or read as chat by the LLM) and nothing grounded answers it:
                    # silence, not a page to the host
                    result.ignored.extend(Ignored(q.message.msg_id, str(Triage.CHATTER)) for q in group)
                    continue
                result.replies.append(self._reply(room, group, composed, cached, started))
            except Exception:
                self._failed(room, group, result)
        if self._on_batch is not None:
            self._on_batch(len(messages), result)
        return result

    @staticmethod
    def _failed(room: Room, group: list[Question], result: BatchResult) -> None:
        """A group whose answer raised: logged with the traceback, its messages ``internal_error``."""
        ids = [q.message.msg_id for q in group]
        log.exception("danmaku %s of room %s failed; ignored", ",".join(ids), room.room_id)
        result.ignored.extend(Ignored(msg_id, "internal_error") for msg_id in ids)

    # -- stages --------------------------------------------------------------------------------
    def _admit(
        self,
        room: Room,
        catalog: Catalog,
        matcher: ProductMatcher,
        received: datetime,
        message: Danmaku,
        result: BatchResult,
        deduped: bool = False,
    ) -> Question | None:
        guards = self._state.guards
        if not deduped and not guards.first_seen(room.room_id, message.msg_id, received):
            result.ignored.append(Ignored(message.msg_id, "duplicate"))
            return None
        if not guards.allow_viewer(room.room_id, message.viewer_id, message.ts):
            result.ignored.append(Ignored(message.msg_id, "viewer_flood"))
            return None
        dialogue = self._dialogue.get(room.room_id, message.viewer_id, message.ts)
        stage_id = room.stage_at(message.ts)
        in_view = catalog.product(stage_id) if stage_id is not None else None
        asked_before = catalog.product(dialogue.product_id) if dialogue and dialogue.product_id else None
        products_in_view = tuple(p for p in (in_view, asked_before) if p is not None)
        normalized = normalize(message.text)
        # "37号还有吗" of the boots in view: size 37, not link 37 (the last product asked, else the stage)
        links = frozenset(p.link_no for p in products_in_view if p.link_no is not None)
        sized = sizes_said_as_numbers(
            phone_makers_as_android(normalized, matcher), asked_before or in_view, links
        )
        in_view_ids = {p.product_id for p in products_in_view}
        if sized != normalized and set(matcher.match(normalized).exact) - in_view_ids:
            sized = normalized  # "37号杯子还有吗": another product named, the number is its link
        line = understand(message.text if sized == normalized else sized)
        understanding = first_question(line, matcher)  # "吐司多少钱 曲奇保质期几个月": one at a time
        asked = without_chatter_around(understanding.normalized)
        if asked != understanding.normalized:  # "来了来了 今天精华多少钱", "哈哈 有优惠吗": the question
            understanding = understand(asked)
        reference = extract_product_reference(understanding.normalized)
        decision = (
            self._model.decide(understanding, reference.kind if reference else None)
            if self._model is not None
            else None
        )
        if dialogue is not None and dialogue.pending is not None:
            picked = answer_to_pending(understanding, dialogue.pending, catalog)
            if picked is not None:
                return self._question(
                    room, catalog, message, picked.understanding, picked.resolution, dialogue
                )
        route: Route = "answer"
        sold_named: tuple[str, ...] | None = None  # products named as the goods asked for, once read
        # the viewer's follow-up to their last question ("茶轴呢", "那甘肃呢", "还是换L吧"): the model
        # reads one line alone, where a fragment looks like chat
        usual_size_told = gives_a_usual_size(understanding.normalized, in_view)  # "我平时穿38"
        # the products a short line after a question names ("那件开衫呢"), read only where one may follow
        short = dialogue is not None and len(understanding.normalized) <= FOLLOWUP_MAX_CHARS
        exact = matcher.match(understanding.normalized).exact if short else ()
        named = tuple(p for p in (catalog.product(i) for i in exact) if p is not None)
        followup = (
            continues_dialogue(understanding, dialogue, message.ts, products_in_view, named)
            or gives_a_body_to_size(understanding.normalized, in_view)
            or usual_size_told
        )
        # "50ml呢" with no question of the viewer's before: what that version of the product costs
        version_alone = "" if followup else version_named_alone(understanding.normalized, in_view)
        followup = followup or bool(version_alone)
        # a version of a product picked by its link, no other word ("10号黑色M"): its stock, never a page
        said = link_numbers(understanding.normalized)
        linked = catalog.product(matcher.by_link.get(said[0]) or "") if len(said) == 1 else None
        picked_words = version_picked_by_link(understanding.normalized, linked)
        if understanding.triage is not Triage.QUESTION:
            # goods the viewer has gone wrong, told without a question: a person must see it
            chatter = understanding.triage is Triage.CHATTER
            reported = (
                chatter
                and mentions_a_fault(understanding.normalized)  # the matcher only for a fault told
                and reports_a_problem(
                    understanding.normalized, goods_named=bool(matcher.match(understanding.normalized).exact)
                )
            )
            # goods the room sells asked for by their name ("有没有牛奶"): a shop question
            sold_named = names_goods_sold(understanding, matcher, catalog) if chatter else ()
            # a version of the product in view asked for ("60包的有吗", "青轴有吗"): its stock
            asked_for = (
                picked_words is not None
                or bool(sold_named)
                or (chatter and bool(version_held(understanding.normalized, in_view)))
                or followup
                # "主播说359怎么我这还是459", "墨黑怎么没了": a price or a version's stock, in a
                # complaint's tone
                or complains_of_the_sale(understanding.normalized, in_view)
                # "小孩把凝珠咬破了", told without a question: the product's own FAQ on 误食
                or (in_view is not None and swallowed_faq(in_view, understanding.normalized) is not None)
            )
            if (
                not reported
                and not asked_for
                and (decision is None or not takes_up(decision, understanding.triage))
            ):
                result.ignored.append(Ignored(message.msg_id, str(understanding.triage)))
                return None
            steering = understanding.triage is Triage.STEERING
            if asked_for:
                route = "answer"
            elif decision is None or steering or reported or decision.route == "silent":
                route = "handoff"
            else:
                route = decision.route
            understanding = as_question(understanding)
        elif followup:
            route = "answer"
        elif decision is not None:
            if mentions_a_fault(understanding.normalized) and about_own_order(understanding.normalized):
                # "上次买的鸭脖胀袋了 咋整": goods of the viewer's gone wrong, however chatty it reads
                route = "handoff"
            elif silences(decision) and (
                speaks_of_the_sale(understanding.normalized)
                or (
                    understanding.intent in _SALE_INTENTS
                    and bool(matcher.match(understanding.normalized).exact)
                )
                or _a_price_of(price_checked(understanding.normalized), in_view, room, catalog, message.ts)
            ):
                # chat to the model, but asked in words of the shop's sale only ("今天满减到几点结束"),
                # a sale's question of a product the room sells by its name ("主播小黑瓶多少钱啊"), or a
                # price of the product in view said back ("现在拍能89吗" of a cup 89 in its flash sale):
                # the rules' question stands
                route = "answer"
            elif silences(decision) and not self._operator_answers(room, catalog, message, understanding):
                # chat to the model, but a rule question: only the catalog's own statement about the
                # product may still answer it ("泡沫多吗" -> the foam attribute); else silence
                route = "silent"
            else:
                route = "handoff" if decision.route == "silent" else decision.route
        if picked_words is not None:
            # the version of a product picked by its link ("10号黑色M", "5号豆沙玫瑰"): its stock
            longest = next((w for w in picked_words if not LETTER_SIZE_RE.fullmatch(w) and len(w) > 1), None)
            one = next((w for w in picked_words if len(w) == 1 and w in SPEC_COLOUR_CHARACTERS), None)
            slots = understanding.slots
            if longest is not None and slots.variant_hint is None and slots.color is None:
                slots = replace(slots, variant_hint=longest)
            elif one is not None and slots.color is None:  # "10号黑M": 黑色
                slots = replace(slots, color=f"{one}色")
            understanding = replace(understanding, intent=Intent.STOCK, slots=slots)
            route = "answer"
        if (
            route in ("open", "handoff")
            and understanding.intent is Intent.SHIPPING
            and understanding.slots.region is not None
            and not about_own_order(understanding.normalized)
            # a line the model hands to a person must ask only what the shipping policy states, with
            # nothing of the viewer's own case or order in it ("我在新疆 快递怎么还没到", "拍了能发吗")
            and (
                route == "open"
                or (
                    asks_what_the_policy_states(understanding.normalized, Intent.SHIPPING)
                    and _ORDER_WORDS_RE.search(understanding.normalized) is None
                )
            )
        ):  # "我在包头，能发货吗": whether the shop sends there is the catalog's list of regions left out
            route = "answer"
        if (
            route == "answer"
            and decision is not None
            and decision.intent is not None
            # whether a thing is there ("有香味吗") is a stock question only where a version is that
            # thing, which the specs tell once the product is known (``version_held`` below)
            and not (decision.intent is Intent.STOCK and version_asked(understanding.normalized))
            # the model reads a line whole: a line of several questions ("有黑色吗 多少钱") keeps the
            # intent the rules read of it, and its other questions are asked further
            and not (
                understanding.intent is not Intent.OTHER and len(asked_clauses(understanding.normalized)) > 1
            )
            # a coupon named, or a version asked whether it is there, is what the line asks whatever
            # else it holds ("6+128用数码券多少", "4号链接控油400的有没有")
            and not _states_its_intent(understanding)
        ):
            understanding = replace(understanding, intent=decision.intent)
        understanding = carry_over_intent(understanding, dialogue, products_in_view)
        if version_alone:
            slots = replace(understanding.slots, variant_hint=version_alone)
            understanding = replace(understanding, intent=Intent.PRICE, slots=slots)
        elif usual_size_told:
            understanding = replace(understanding, intent=Intent.SIZE)
        resolution = resolve_product(
            text=understanding.normalized,
            reference=reference.kind if reference is not None else None,
            slots=understanding.slots,
            catalog=catalog,
            matcher=matcher,
            room=room,
            at=message.ts,
            dialogue=dialogue,
            intent=understanding.intent,
            name_span=reference.text if reference is not None else "",
            goods_head=goods_head(understanding.normalized),
        )
        if resolution.how == "choice" and understanding.intent in ALIKE_INTENTS:
            # "洗面奶和爽肤水多少钱": no choice to make where the line asks the same of each product it
            # names; the first named is answered first, the others further (``further_asks``)
            apart = products_asked_alike(understanding.normalized, matcher, catalog)
            if len(apart) >= 2 and set(resolution.candidates) <= set(apart):
                resolution = Resolution(apart[0], "name")
        if (
            resolution.how == "not_sold"
            and in_view is not None
            and reference is not None
            and not asks_whether_sold(understanding.normalized)
            and understanding.intent in WORDED_INTENTS
            and not asks_another_brand(understanding.normalized, catalog)
            and answers_the_words(in_view, understanding, reference.text)
        ):  # "左撇子能用吗", "淡妆能直接洗掉吗": words the catalog lacks, which the product on stage's
            # own FAQ or sentences answer
            resolution = Resolution(in_view.product_id, "stage")
        if route == "silent" and asks_for_unlisted_goods(understanding.normalized, resolution, catalog):
            route = "handoff"  # a question for the shop, however much the line looks like chat
        resolved = catalog.product(resolution.product_id) if resolution.product_id is not None else None
        situated = resolved is not None and asks_with_own_situation(understanding)
        # a line the model takes for chat gets no page when the product's words say nothing of it
        situated_chat = situated and route == "silent"
        if resolved is not None and works_out_a_case(understanding):
            # "我5天前买的 现在降价了能保吗": the case worked out from the catalog's price history and
            # the window (``answers.answer_protection_told``); "收到5天了还能退吗" likewise from the
            # no-reason window (``answers_policy.return_case``)
            route = "answer"
        if situated:
            # "我油皮 这个会不会太油", "我儿子10岁 能用吗": whom it suits, from the product's own FAQ
            # and attributes on that skin or age, before any person
            route = "answer"
            if understanding.intent is Intent.OTHER:
                understanding = replace(understanding, intent=Intent.SUITABILITY)
        clauses = asked_clauses(understanding.normalized)
        # "07还有吗 多少钱": the version the line's first question asks for, the others asked further
        version = version_held(understanding.normalized, resolved) or (
            version_held(clauses[0], resolved) if len(clauses) > 1 else ""
        )
        complaint = read_complaint(understanding, resolved) if resolved is not None else None
        if complaint is not None:
            # "75ml怎么买不了了": its stock; "不是199吗 我看是299": the price; "店铺券领不了啊": the coupons
            understanding, the_catalog_answers = complaint
            route = "answer" if the_catalog_answers else "handoff"
        elif version and understanding.intent in VERSION_INTENTS:
            # "60包的有吗", "有钢带的吗": whether that version is there, not its FAQ, link or colours
            slots = understanding.slots
            if slots.variant_hint is None:
                slots = replace(slots, variant_hint=version)
            understanding = replace(understanding, intent=Intent.STOCK, slots=slots)
            route = "answer" if route in ("silent", "open") else route
        elif (
            resolved is not None
            and reference is not None
            and reference.kind == "name"
            and understanding.slots.variant_hint is None
            and understanding.intent in VERSIONED_INTENTS
            and skus_holding(resolved, reference.text)
        ):  # "玫瑰金皮表带多少钱": the version the words name, as its spec holds them
            understanding = replace(
                understanding, slots=replace(understanding.slots, variant_hint=reference.text)
            )
        elif understanding.intent is Intent.OTHER and counted_by_versions(understanding.normalized, resolved):
            # "面膜一盒几片", "橙子几斤装", "锅多大的": the versions are the counts and sizes asked
            understanding = replace(understanding, intent=Intent.VARIANT)
            route = "answer" if route in ("silent", "open") else route
        # "有卖牛奶的吗" says 卖: goods asked for whatever else the words read as
        asks_goods = understanding.intent is Intent.OTHER or bool(sold_thing(understanding.normalized))
        if not asks_goods or resolution.how not in ("name", "stage"):
            sold_named = ()
        elif sold_named is None:  # not read yet (a question; a chatter line read it above)
            sold_named = names_goods_sold(understanding, matcher, catalog)
        # goods the room sells asked for by their name ("有没有充电宝", "洗面奶几号"): the link of the
        # product so named; which link it is even where the one on stage mentions it ("卸妆后再用洗面奶"),
        # while "有防晒吗" about a foundation on stage keeps asking the foundation
        moved = resolution.product_id not in sold_named and asks_which_link(understanding.normalized)
        if sold_named and (resolution.how == "name" or moved):
            if resolution.product_id not in sold_named:
                resolution = Resolution(sold_named[0], "name")
            understanding = replace(understanding, intent=Intent.HOW_TO_ORDER)
            route = "answer" if route in ("silent", "open") else route
        hush = situated_chat or (
            decision is not None
            and route in ("answer", "open")
            # no known kind of question, or goods the room does not sell asked in what may be a
            # joke ("洗衣液多少钱一斤"); never whether the room has such goods ("有卖酸奶吗")
            and (
                (understanding.intent is Intent.OTHER and resolution.how not in ("name", "link"))
                or resolution.how == "not_sold"
            )
            and not (resolution.how == "not_sold" and asks_whether_sold(understanding.normalized))
            and not compared_elsewhere(understanding.normalized)  # "和三只松鼠比呢": the host's
            and stays_quiet(decision)
        )
        # "开衫和12号牛仔裤一起买多少钱": what the products come to together, one price each
        basket = (
            basket_asked(understanding.normalized, matcher, catalog, in_view) if route != "handoff" else ()
        )
        if basket:
            understanding = replace(understanding, intent=Intent.PRICE)
            resolution = Resolution(basket[0].product_id, "name")
            route, hush = "answer", False
        answered = catalog.product(resolution.product_id) if resolution.product_id is not None else None
        if basket and answered is not None:
            # the line's other questions ("…一共多少钱？寄到乌鲁木齐可以吗？"), not its prices again
            further = tuple(
                a
                for a in further_asks(line, understanding, answered, catalog, matcher, self._model)
                if a.understanding.intent is not Intent.PRICE
            )
        elif route in ("answer", "open") and not hush and answered is not None:
            further = further_asks(line, understanding, answered, catalog, matcher, self._model)
        else:
            further = ()
        return self._question(
            room, catalog, message, understanding, resolution, dialogue, route, hush, further, basket
        )

    def _operator_answers(
        self, room: Room, catalog: Catalog, message: Danmaku, understanding: Understanding
    ) -> bool:
        """Whether an operator answered this wording ("明天还播吗" -> "每晚8点开播"): the operator's
        answer is used even for a line the model would leave to the host."""
        entry = self._answerer.operator_faq.match(
            catalog.catalog_id,
            room.stage_at(message.ts),
            str(understanding.intent),
            understanding.normalized,
        )
        return entry is not None and entry.intent is None

    def _question(
        self,
        room: Room,
        catalog: Catalog,
        message: Danmaku,
        understanding: Understanding,
        resolution: Resolution,
        dialogue: ViewerDialogue | None,
        route: Route = "answer",
        quiet: bool = False,
        further: tuple[FurtherAsk, ...] = (),
        basket: tuple[BasketItem, ...] = (),
    ) -> Question:
        # an open question's answer depends on its words; so does an unsure line's (the LLM reads it)
        open_text = (
            understanding.normalized if understanding.intent is Intent.OTHER or route == "open" else ""
        )
        asked_of = catalog.product(resolution.product_id) if resolution.product_id else None
        # the versions of several asked at once ("黑色和白色有货吗" is not "黑色有货吗"), else the one version
        # a stock question says by the product's own words ("栗色37有吗" is not "37码有吗"): as answered
        several = several_versions(asked_of, understanding.normalized) if asked_of else None
        said = (
            version_said(asked_of, understanding.normalized)
            if asked_of and several is None and understanding.intent is Intent.STOCK
            else None
        )
        key = AnswerKey(
            catalog_id=catalog.catalog_id,
            catalog_version=catalog.version,
            room_id=room.room_id,
            room_version=room.version,
            product_id=resolution.product_id,
            intent=str(understanding.intent),
            slots=(
                *understanding.slots.key(),
                resolution.how if resolution.product_id is None else "",
                resolution.candidates,
                route,  # a line handed to a person never shares an answer with one answered
                answer_facets(understanding),  # what else the wording asks ("有带吸管的吗")
                several.key() if several else (),
                said.key() if said else (),
            ),
            language=understanding.language,
            text=open_text,
            further=(
                *((*ask.key(), answer_facets(ask.understanding)) for ask in further),
                *((("basket", *(item.key() for item in basket)),) if basket else ()),
            ),
        )
        return Question(
            message, understanding, resolution, key, dialogue, route, quiet, further, basket=basket
        )

    def _compose(self, room: Room, catalog: Catalog, group: list[Question]) -> tuple[Composed, bool]:
        """The answer for a group, from the cache when fresh (second value: it was cached)."""
        first = group[0]
        at = max(q.message.ts for q in group)
        cached = self._cache.get(first.key, at)
        if cached is not None:
            body, source, product_id, expires = (
                cached.body,
                cached.source,
                cached.product_id,
                cached.expires_at,
            )
            return Composed(body, source, product_id, expires, None, faq_id=cached.faq_id), True
        composed = self._answerer.answer(room, catalog, first, at)
        if composed.cacheable:
            entry = CachedAnswer(
                composed.body, composed.source, composed.product_id, at, composed.expires_at, composed.faq_id
            )
            self._cache.put(first.key, entry)
        return composed, False

    def _reply(
        self, room: Room, group: list[Question], composed: Composed, cached: bool, started: float
    ) -> Reply:
        first = group[0]
        for question in group:
            self._remember(room, question, composed)
        self._notify(room, group, composed)  # before latency_ms: the viewer waits for the hooks too
        reply = Reply(
            reply_id=self._state.reply_ids.next_id(),
            reply_to=tuple(q.message.msg_id for q in group),
            text=address([q.message.nickname for q in group], composed.body, first.understanding.language),
            product_id=composed.product_id,
            intent=str(first.understanding.intent),
            source=composed.source,
            ai_generated=True,
            latency_ms=(time.perf_counter() - started) * 1000,
            viewer_ids=tuple(dict.fromkeys(q.message.viewer_id for q in group)),
            cached=cached,
            llm_called=composed.llm_called,
            question_key=question_key_text(first.key),
        )
        if composed.cacheable:
            posted_at = max(q.message.ts for q in group)
            entry = RecentReply(reply, composed, posted_at)
            self._state.recent.remember(room.room_id, answer_key_text(first.key), entry)
        return reply

    def _join_recent(self, room: Room, group: list[Question], result: BatchResult) -> bool:
        """Questions whose answer was posted moments ago join that reply instead of a new one."""
        recent = self._state.recent.find(room.room_id, answer_key_text(group[0].key), group[0].message.ts)
        if recent is None:
            return False
        reply, composed = recent.reply, recent.composed
        for question in group:
            self._remember(room, question, composed)
            result.joined.append(Joined(question.message.msg_id, reply.reply_id, reply))
        self._notify(room, group, composed)
        return True

    def _notify(self, room: Room, group: list[Question], composed: Composed) -> None:
        if composed.faq_id is not None:  # an operator answer answered these viewers (hit counts)
            self._answerer.operator_faq.record_hits(room.catalog_id, composed.faq_id, len(group))
        if self._on_answered is not None:
            for q in group:
                self._on_answered(room.room_id, q.message, composed.product_id, q.understanding.intent)

    def _remember(self, room: Room, question: Question, composed: Composed) -> None:
        previous = question.dialogue
        product_id = composed.product_id or (previous.product_id if previous else None)
        state = ViewerDialogue(
            product_id=product_id,
            sku_id=composed.sku_id,
            intent=question.understanding.intent,
            updated_at=question.message.ts,
            pending=composed.pending,
            viewer=question.understanding.slots.about_viewer().filled_from(
                previous.viewer if previous else Slots()
            ),
            asked=(
                question.understanding.normalized
                if question.understanding.intent in (Intent.OTHER, Intent.AFTER_SALES)
                and len(question.understanding.normalized) <= ASKED_MAX_CHARS
                else ""
            ),
        )
        self._dialogue.put(room.room_id, question.message.viewer_id, state)

    # -- per-room helpers ----------------------------------------------------------------------
    def _matcher(self, catalog: Catalog) -> ProductMatcher:
        with self._lock:
            matcher = self._matchers.get(catalog.catalog_id)
        if matcher is not None and matcher.version == catalog.version:
            return matcher
        matcher = ProductMatcher(catalog)  # outside the lock: other catalogs' rooms go on
        with self._lock:
            current = self._matchers.get(catalog.catalog_id)
            if current is None or current.version < matcher.version:
                self._matchers[catalog.catalog_id] = matcher
        return matcher

    def prepare(self, catalog: Catalog) -> None:
        """Build a catalog version's matcher (with its sound-alike index) ahead of its first
        question, outside the lock (an import calls this: 20,000 products take 1-2 s)."""
        matcher = ProductMatcher(catalog)
        matcher.build_sounds()
        with self._lock:
            current = self._matchers.get(catalog.catalog_id)
            if current is None or current.version < matcher.version:
                self._matchers[catalog.catalog_id] = matcher

    def forget_room(self, room_id: str) -> None:
        """Stage or room-promotion change: drop the room's cached and recent answers."""
        self._cache.invalidate_room(room_id)
        self._state.recent.forget_room(room_id)

    def forget_catalog(self, catalog_id: str) -> None:
        """Any catalog change: drop every answer built from that catalog (recent replies carry the
        catalog version in their key, so none of them can be joined any more)."""
        self._cache.invalidate_catalog(catalog_id)


# The words of a last question kept for "这个呢"; a longer line is not kept (it says more than one ask).
# Words of an order placed or a parcel under way ("提交订单了", "已下单", "拍了", "付款了", "快递停了"): a
# line the model hands to a person that holds one is about the viewer's own order, never the policy's.
_ORDER_WORDS_RE = re.compile(
    r"订单|单子|单号|下单了|下了单|已下单|拍了|付款了|付了|买了|快递|物流|包裹|停了|到哪"
)
ASKED_MAX_CHARS = 64
