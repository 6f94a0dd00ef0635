"""Turn a resolved question into a grounded answer.

Order: operator answer -> catalog facts at the message time (structured intents) -> the product's
curated FAQ -> an attribute the question names -> the catalog's own sentence that answers it
(``catalog_words``; also for questions the understanding model is unsure of) -> retrieval + LLM
(only when configured; every number checked against the grounding) -> grounded fallback -> honest
handoff. With an LLM configured, a line the model is unsure of that nothing grounded answers is
first *read* by it (``llm_reading``: intent and product as validated JSON, never an answer) and,
when the reading is a product question, answered from the catalog's templates. A line about the
viewer's own order is never answered from the catalog. Amounts only ever come from ``SkuFacts`` or
catalog text.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from assistant.danmaku import answer_templates as tpl
from assistant.danmaku import answers, answers_policy, answers_product, llm_reading
from assistant.danmaku.attributes import (
    ABOUT_THE_HOST,
    attribute_answer,
    attribute_lines,
    dimension_keys,
    parts_made_asked,
)
from assistant.danmaku.basket import BasketItem
from assistant.danmaku.cache import AnswerKey
from assistant.danmaku.catalog_words import asks_about_a_thing, question_terms, quote_answer
from assistant.danmaku.clarify import product_options
from assistant.danmaku.compliance import drop_injected_sentences, find_banned, sanitize
from assistant.danmaku.dialogue import ClarifyOption, PendingClarification, ViewerDialogue
from assistant.danmaku.intent import (
    about_own_order,
    asks_arrival,
    asks_as_a_condition,
    asks_for_a_persons_act,
    asks_list_price,
    asks_the_return_case,
    asks_value,
    asks_warranty,
    compared_elsewhere,
    extract_product_reference,
    goods_of_a_kind_asked,
    mentions_a_fault,
    names_another_day,
    only_about_the_host_or_show,
    pairs_with_something,
    works_out_a_case,
)
from assistant.danmaku.operator_faq import OperatorFaq
from assistant.danmaku.policy_asks import (
    POLICY_INTENTS,
    asks_the_steps,
    asks_what_no_policy_states,
    asks_what_the_policy_states,
    names_a_membership,
)
from assistant.danmaku.purchase_told import days_since_receipt, purchase_told
from assistant.danmaku.resolve import (
    Resolution,
    matching_skus,
    product_label,
    several_versions,
    skin_variants,
    skus_holding,
    version_said,
)
from assistant.danmaku.size_chart import answer_size, answer_usual_size, usual_size
from assistant.danmaku.slot_rules import extract_slots, one_unit_priced, quantity_unit
from assistant.danmaku.triage import asked_clauses
from assistant.danmaku.types import Danmaku, FurtherAsk, Intent, ReplySource, Understanding
from assistant.danmaku.vocabulary import SKIN_VARIANT_WORDS
from assistant.llm.client import LlmClient, LlmError
from assistant.llm.guard import unsupported_numbers
from assistant.llm.prompt import grounded_messages, leaks_prompt
from assistant.rooms import Room
from knowledge.domain import Catalog, FaqPair, Product, PromotionKind, Sku
from knowledge.facts import SkuFacts, sku_facts

log = logging.getLogger(__name__)

# At most this many questions answered in one reply (the line's own and its further ones): a reply
# is read on a phone over a moving feed.
MAX_ASKS = 3
ANSWER_MAX_AGE_S = 300.0  # a cached answer is recomputed at least this often


COUNTDOWN_MAX_AGE_S = 1.0  # answers that say "还剩3分20秒" go stale within a second
# Questions asked of no product that the room's own promotions answer ("现在有啥券", "今晚几点秒杀"),
# unless the line asks of a flash sale and the coupons or 满减 together (a product's terms decide).
_ROOM_WIDE_KINDS = {Intent.DISCOUNT: PromotionKind.COUPON, Intent.FLASH_SALE: PromotionKind.FLASH_SALE}
_SALE_AND_DEALS_RE = re.compile(r"秒杀.{0,8}(?:券|满减)|(?:券|满减).{0,8}秒杀")
MAX_PASSAGES = 4
FALLBACK_CHARS = 60

Search = Callable[[str, str, str | None], Sequence[str]]  # (catalog_id, question, product_id) -> passages
# Called with why a grounded fallback replaced the LLM's answer: an ``LlmError.kind`` or "guard".
FallbackHook = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Question:
    message: Danmaku
    understanding: Understanding
    resolution: Resolution
    key: AnswerKey
    dialogue: ViewerDialogue | None
    # The understanding model's route: "answer"; "open" (unsure: only the FAQ, attributes or the
    # guarded LLM may answer, never a template); "handoff" (a person); "silent" (chat to the model:
    # only the product's own FAQ, attributes or sentences may answer, else no reply at all).
    route: str = "answer"
    # No known kind of question (intent OTHER), or goods the room does not sell asked in what is
    # not a question whether the room has them, and the model finds silence about as likely as a
    # person or likelier (``understanding.stays_quiet``):
    # when nothing grounded answers it, it stays silent instead of paging the host (chat that
    # merely looks like a question: "会员卡有啥用", "多少票能上榜", "洗衣液多少钱一斤").
    quiet: bool = False
    # The line's further questions of the same product ("多少钱 包邮吗": the shipping after the
    # price; ``further_asks``), each answered and joined when the catalog or FAQ answers it.
    further: tuple[FurtherAsk, ...] = ()
    # One of those further questions, answered to be joined: grounded answers only, never the LLM
    # (its answer would not be joined, and the line would wait on it).
    joined: bool = False
    # The products the line asks the total of, bought together (``basket.basket_asked``), () for none.
    basket: tuple[BasketItem, ...] = ()


@dataclass(frozen=True, slots=True)
class Composed:
    body: str
    source: ReplySource
    product_id: str | None
    expires_at: datetime | None
    sku_id: str | None
    pending: PendingClarification | None = None
    cacheable: bool = True
    llm_called: bool = False
    faq_id: str | None = None  # the operator answer it is (its hit count goes up per viewer answered)
    chat: bool = False  # no reply at all, no page: a line taken for chat (by the model or the LLM)


class Answerer:
    """Composes answers; holds the optional LLM and the operator answers."""

    def __init__(
        self,
        search: Search,
        llm: LlmClient | None,
        operator_faq: OperatorFaq,
        on_fallback: FallbackHook | None = None,
    ) -> None:
        self._search = search
        self._llm = llm
        self.operator_faq = operator_faq
        self._on_fallback = on_fallback

    def answer(self, room: Room, catalog: Catalog, question: Question, at: datetime) -> Composed:
        """The answer to the line: its own question's, joined by the answers to its further
        questions (``Question.further``) where the first is a confident catalog or FAQ answer."""
        # "开衫和12号牛仔裤一起买多少钱": the products' sum, not each price; the line's other
        # questions of its first product are joined to it
        totalled = self._basket_total(room, catalog, question, at) if question.basket else None
        composed = totalled or self._answer_one(room, catalog, question, at)
        if not question.further or composed.source not in _CONFIDENT or composed.pending is not None:
            return composed
        bodies = [composed.body]
        expires = composed.expires_at
        product = catalog.product(composed.product_id) if composed.product_id is not None else None
        for ask in question.further:
            asked = replace(
                question, understanding=ask.understanding, further=(), route="answer", joined=True
            )
            if ask.product_id is not None:  # the same question of another product the line names
                asked = replace(asked, resolution=Resolution(ask.product_id, "name"))
            more = (
                self._stated(catalog, asked, at)
                if ask.stated_only
                else self._answer_one(room, catalog, asked, at)
            )
            of = ask.product_id or composed.product_id
            if more is None or not _joins(more, composed, of) or _says_again(more.body, bodies, product):
                continue
            bodies.append(more.body)
            if more.expires_at is not None:
                expires = more.expires_at if expires is None else min(expires, more.expires_at)
            if len(bodies) == MAX_ASKS:
                break
        if len(bodies) == 1:
            return composed
        return replace(composed, body=join_answers(bodies), expires_at=expires)

    def _answer_one(self, room: Room, catalog: Catalog, question: Question, at: datetime) -> Composed:
        understanding, resolution = question.understanding, question.resolution
        lang = understanding.language
        if only_about_the_host_or_show(understanding.normalized):
            # the host's to answer, or the operator's own answer ("明天还播吗"): no product text does
            composed = self._operator_or_handoff(catalog, question, at)
            return composed if composed.source is ReplySource.FAQ else replace(composed, chat=True)
        compared = compared_elsewhere(understanding.normalized)
        product_in_view = catalog.product(resolution.product_id) if resolution.product_id else None
        if (
            compared
            and (product_in_view is None or not skus_holding(product_in_view, compared))
            and (product_in_view is not None or resolution.how == "not_sold")
        ):
            # "和三只松鼠比呢", "比华为手表好吗": the host's to answer; no text of the product compares
            return self._operator_or_handoff(catalog, question, at)
        if pairs_with_something(understanding.normalized) and resolution.how == "name":
            stage_id = room.stage_at(at)
            if stage_id is not None and stage_id != resolution.product_id:
                # "搭那个羽绒服好看吗" with boots presented: the two together, which no text of one answers
                return self._operator_or_handoff(catalog, question, at)
        if question.route == "silent":  # chat to the model: the product's own words, else nothing
            return self._stated(catalog, question, at) or replace(self._handoff(None, lang), chat=True)
        own_order = about_own_order(understanding.normalized) and not works_out_a_case(understanding)
        if (
            question.route == "handoff"
            and not own_order
            and (answered := self._own_words_of_the_goods(catalog, question, at))
        ):
            # the product's own FAQ answer, or its attributes' for a fact of the goods ("放包里会漏不",
            # "保温能保多久啊"), however the line reads: the operator wrote them for viewers who ask
            return answered
        if question.route == "handoff" or own_order:
            # an order, a claim, a product not sold here, a request: never a catalog template
            return self._operator_or_handoff(catalog, question, at)
        if (
            question.route == "open"
            and (understanding.intent is not Intent.OTHER or resolution.product_id is None)
            and not (
                # with no LLM to read it, an unsure question of a fact the policy states gets the policy
                self._llm is None
                and resolution.product_id is not None
                and asks_what_the_policy_states(understanding.normalized, understanding.intent)
            )
        ):  # unsure: no template answer; the catalog's own words may still answer it
            composed = self._operator_or_handoff(catalog, question, at)
            if composed.source is ReplySource.HANDOFF:
                return (
                    self._stated(catalog, question, at)
                    or self._read_by_llm(room, catalog, question, at)
                    or composed
                )
            return composed
        if resolution.product_id is None:
            return self._without_product(room, catalog, question, at)
        product = catalog.product(resolution.product_id)
        if product is None:  # the catalog changed under the dialogue: ask again
            return self._ask_which(question, at, lang)
        operator = self.operator_faq.match(
            catalog.catalog_id, product.product_id, str(understanding.intent), understanding.normalized
        )
        if operator is not None:
            composed = self._done(operator.answer, ReplySource.FAQ, product, at, None)
            return replace(composed, faq_id=operator.faq_id)
        faq = (
            answers_product.find_faq(product, understanding.normalized)
            or faq_by_shared_word(product, understanding.normalized)
            or faq_on_difference(product, understanding.normalized)
        )
        slots = understanding.slots
        fit_asked = understanding.intent is Intent.SIZE and not slots.measured
        if faq is not None and (understanding.intent in FAQ_FIRST or fit_asked):
            # the operator's answer to the very question; a size question without a body measure
            # ("偏大还是偏小") is the fit the FAQ describes, not the size chart
            return self._done(faq.answer, ReplySource.FAQ, product, at, None)
        if understanding.intent is Intent.DISCOUNT and GIFT_RE.search(understanding.normalized):
            return self._gift(product, lang, at)
        if understanding.intent is Intent.VARIANT and COMPARED_RE.search(understanding.normalized):
            # "控油款和保湿款有啥区别": a list of the versions is no answer; the FAQ above, else a
            # person (a bare question of the difference is answered by the list of the options)
            return self._open(catalog, product, question, at)
        if understanding.intent is Intent.MATERIAL and (
            measured := dimension_keys(product, understanding.normalized)
        ):
            # "砧板厚不厚" of a product stating its 厚度: the measure, not what it is made of
            return self._done(
                attribute_lines(product, measured, lang), ReplySource.CATALOG, product, at, None
            )
        structured = self._structured(room, catalog, product, question, at)
        if structured is not None:
            return structured
        if faq is not None:
            return self._done(faq.answer, ReplySource.FAQ, product, at, None)
        stated = stated_in_catalog(product, understanding.normalized, lang)
        if stated is not None:
            return self._done(stated, ReplySource.CATALOG, product, at, None)
        if understanding.intent is Intent.OTHER and INTRODUCE_RE.search(understanding.normalized):
            presented = self._introduced(product, question, at)
            if presented is not None:
                return presented
        return self._open(catalog, product, question, at)

    def _operator_or_handoff(self, catalog: Catalog, question: Question, at: datetime) -> Composed:
        """A line for a person: an operator's answer to its wording if there is one, else a handoff."""
        u, product_id = question.understanding, question.resolution.product_id
        entry = self.operator_faq.match(catalog.catalog_id, product_id, str(u.intent), u.normalized)
        if entry is None or entry.intent is not None:  # intent-wide answers are for product questions
            return self._handoff(None, u.language)
        expires = at + timedelta(seconds=ANSWER_MAX_AGE_S)
        return Composed(
            sanitize(entry.answer), ReplySource.FAQ, product_id, expires, None, faq_id=entry.faq_id
        )

    def _stated(self, catalog: Catalog, question: Question, at: datetime) -> Composed | None:
        """What the product's own curated FAQ, attributes or sentences state in answer to the line,
        or None: the only answers a line the model takes for chat may get (no template, no LLM)."""
        product_id = question.resolution.product_id
        product = catalog.product(product_id) if product_id is not None else None
        if product is None:
            return None
        faq = answers_product.find_faq(product, question.understanding.normalized)
        if faq is not None:
            return self._done(faq.answer, ReplySource.FAQ, product, at, None)
        return self._stated_beyond_faq(catalog, product, question, at)

    def _stated_beyond_faq(
        self, catalog: Catalog, product: Product, question: Question, at: datetime
    ) -> Composed | None:
        """``_stated`` past the FAQ: the product introduced for "这是什么", else the catalog's own
        sentence that answers the line (``_quoted``), never for goods the product is not."""
        if question.understanding.intent is Intent.OTHER and WHAT_IS_THIS_RE.search(
            question.understanding.normalized
        ):
            return self._introduced(product, question, at)
        thing = goods_of_a_kind_asked(question.understanding.normalized)
        if thing and not _holds(product, thing):
            return None  # "有iPhone17吗": whether the room has one; no sentence of this product says
        return self._quoted(catalog, question, at)

    def _own_words_of_the_goods(self, catalog: Catalog, question: Question, at: datetime) -> Composed | None:
        """The product's curated FAQ answer to the line, or for a question of the goods themselves
        (``_FACT_INTENTS``) what their attributes or sentences state (``_stated``), where the line asks
        of a product of the room it names or has in view, tells no fault of goods received and asks the
        shop's people for nothing only they do (``asks_for_a_persons_act``); else None."""
        product_id = question.resolution.product_id
        product = catalog.product(product_id) if product_id is not None else None
        if product is None or question.resolution.how not in ("name", "stage", "link", "previous"):
            return None
        normalized = question.understanding.normalized
        if mentions_a_fault(normalized) or asks_for_a_persons_act(normalized):
            return None
        faq = answers_product.find_faq(product, normalized) or faq_on_difference(product, normalized)
        if faq is not None:
            return self._done(faq.answer, ReplySource.FAQ, product, at, None)
        # a fact of the goods ("保温能保多久啊"): what the product's attributes or sentences state; a
        # policy's question (shipping, returns) is the template's, which a person's line never gets
        if question.understanding.intent not in _FACT_INTENTS:
            return None
        return self._stated_beyond_faq(catalog, product, question, at)

    def _introduced(self, product: Product, question: Question, at: datetime) -> Composed | None:
        """The product presented in its own words (name and the start of its description), or None."""
        intro = introduction(product, question.understanding.language)
        return self._done(intro, ReplySource.CATALOG, product, at, None) if intro else None

    @staticmethod
    def _usage_described(product: Product, normalized: str) -> str | None:
        """The description's own usage sentences for a plain how-to-use question, else None."""
        if not answers_product.asks_plainly_how_to_use(product, normalized):
            return None
        return answers_product.usage_from_description(
            product, drop_injected_sentences(product.description), asked=normalized
        )

    def _quoted(self, catalog: Catalog, question: Question, at: datetime) -> Composed | None:
        """The catalog's own sentence that answers an unsure question about a product of the room
        (``catalog_words``), or None (no product, or no sentence answers it confidently)."""
        product_id = question.resolution.product_id
        product = catalog.product(product_id) if product_id is not None else None
        if product is None:
            return None
        u = question.understanding
        if u.intent is Intent.SHIPPING and u.slots.region is not None:
            return None  # "内蒙古能发吗": where the goods are made (产地) says nothing of shipping there
        quoted = stated_in_catalog(product, u.normalized, u.language)
        return None if quoted is None else self._done(quoted, ReplySource.CATALOG, product, at, None)

    def _read_by_llm(self, room: Room, catalog: Catalog, question: Question, at: datetime) -> Composed | None:
        """An unsure line read by the LLM (``llm_reading``), answered from the catalog's templates
        when the reading is a product question about one product of the room; a silent reply when
        it reads chat; None (a person answers) for anything else, no LLM, or no usable reading.

        The reading never overrides what the text pins down: a product named or linked in the
        text must be the one the reading names, and a product the room does not sell stays a
        handoff. Only Chinese lines are read (the prompt and the intents' hints are Chinese)."""
        u, resolution = question.understanding, question.resolution
        if self._llm is None or question.joined or u.language != "zh" or resolution.how == "not_sold":
            return None
        stage_id = room.stage_at(at)
        stage = catalog.product(stage_id) if stage_id is not None else None
        listed = llm_reading.listed_products(catalog.products, stage)
        try:
            answer = self._llm.complete(llm_reading.reading_messages(question.message.text, listed, stage))
        except LlmError as exc:
            log.info("LLM gave no reading (%s); the line goes to a person", exc.kind)
            return None
        by_link = {p.link_no: p.product_id for p in listed if p.link_no is not None}
        reading = llm_reading.parse_reading(answer.text, by_link, stage_id)
        if reading is None:
            log.info("LLM reading unusable; the line goes to a person")
            return None
        if reading.kind == "chat":
            return replace(self._handoff(None, u.language), chat=True, llm_called=True)
        if reading.kind != "product_question" or reading.intent is None:
            return None
        named = resolution.product_id if resolution.how in ("link", "name") else None
        product_id = reading.product_id or resolution.product_id
        if product_id is None or (named is not None and product_id != named):
            return None
        product = catalog.product(product_id)
        if product is None:
            return None
        read = replace(question, understanding=replace(u, intent=reading.intent))
        composed = self._structured(room, catalog, product, read, at)
        if composed is None:
            return None
        # cached under the line's own key only when the reading kept the intent and product it was
        # filed under (the key of an unsure line also holds its text: ``pipeline._question``)
        same = reading.intent is u.intent and product.product_id == resolution.product_id
        return replace(composed, llm_called=True, cacheable=composed.cacheable and same)

    def _gift(self, product: Product, lang: str, at: datetime) -> Composed:
        """Gifts and lucky bags (赠品, 福袋) are only promised when the catalog lists them."""
        gift = next((v for k, v in product.attributes.items() if "赠" in k or "福袋" in k), None)
        if gift is None:
            return self._handoff(product, lang)
        body = f"Gift: {gift}" if lang == "en" else f"{product.name} 赠品：{gift}"
        return self._done(body, ReplySource.CATALOG, product, at, None)

    # -- structured intents from facts ----------------------------------------------------------
    def _structured(
        self, room: Room, catalog: Catalog, product: Product, question: Question, at: datetime
    ) -> Composed | None:
        u = question.understanding
        slots, lang, intent = u.slots, u.language, u.intent
        promotions = (*catalog.promotions, *room.promotions)
        # "黑色和白色多少钱": both colours' versions, not the first colour's alone
        several = several_versions(product, u.normalized)
        skus = list(several.skus) if several else (matching_skus(product, slots) or list(product.skus))
        facts = [sku_facts(product, sku, promotions, at) for sku in skus]
        max_age = ANSWER_MAX_AGE_S
        body: str | None
        if intent in (Intent.PRICE, Intent.DISCOUNT) and names_another_day(u.normalized):
            return None  # "明天有优惠吗": today's facts do not answer for another day
        if intent in (Intent.PRICE, Intent.DISCOUNT) and names_a_membership(u.normalized):
            return None  # "衣服会员价多少": the catalog's price is everyone's, not a member's
        if intent in POLICY_INTENTS and asks_what_no_policy_states(u.normalized, intent):
            # "两瓶是分开寄吗", "只退其中一个能退吗", "保价怎么申请": no policy states it (the steps of a
            # request are no terms), so no template answers
            return None
        packs = answers.packs_of_the_unit(product, u.normalized) if slots.quantity is not None else {}
        one_unit = one_unit_priced(u.normalized) if intent is Intent.PRICE else None
        unit_packs = answers.packs_of(product, one_unit) if one_unit else {}
        if intent is Intent.PRICE and asks_value(u.normalized):
            # "单支和双支哪个划算", "买两个单支还是一个双支划算": every version, the ones named among
            # them, each per unit; a count named is part of the comparison, never a total to work out
            every = [sku_facts(product, sku, promotions, at) for sku in product.skus]
            body = answers.answer_value(product, every, lang)
        elif unit_packs and one_unit:  # "两支装多少钱一支": what one 支 of each pack comes to
            body = answers.answer_one_unit_price(product, facts, one_unit, unit_packs, lang)
        elif (
            intent is Intent.PRICE
            and slots.quantity is not None
            # a single to multiply or a pack of a count that divides it ("三包" of packs of 15: none)
            and any(slots.quantity % packs.get(sku.sku_id, 1) == 0 for sku in product.skus)
            # no version's own count ("坚果30包多少" of "25g×30包": that version's price)
            and not _a_versions_count(product, slots.quantity, quantity_unit(u.normalized))
        ):
            unit = quantity_unit(u.normalized) or "件"
            body = answers.answer_quantity_price(product, facts, slots.quantity, lang, packs=packs, unit=unit)
        elif intent is Intent.PRICE and asks_list_price(u.normalized):
            body = answers.answer_list_price(product, facts, lang)
        elif intent is Intent.PRICE:
            body = answers.answer_price(product, facts, lang)
        elif intent is Intent.DISCOUNT:
            body = answers.answer_discount(
                product,
                facts,
                lang,
                asked=answers.coupon_terms_asked(u.normalized),
                not_for_it=answers.coupons_named_not_for(product, promotions, u.normalized),
                over=answers.coupons_named_over(promotions, u.normalized, at),
            )
        elif intent is Intent.FLASH_SALE:
            every = (
                facts
                if len(skus) == len(product.skus)  # nothing narrowed: the facts of every SKU are these
                else [sku_facts(product, sku, promotions, at) for sku in product.skus]
            )
            with_coupons = answers.asks_coupons_with_the_sale(u.normalized)
            if with_coupons and "满减" in u.normalized:
                return None  # "秒杀和满减能一起用吗": no rule of the catalog says; a person's
            body = answers.answer_flash_sale(
                product, facts, now=at, lang=lang, every=every, with_coupons=with_coupons
            )
            max_age = COUNTDOWN_MAX_AGE_S
        elif intent is Intent.PRICE_PROTECTION:
            told = purchase_told(u.normalized, at)
            body = (
                answers.answer_price_protection(
                    product,
                    catalog.price_protection,
                    lang,
                    exclusion_first=answers.names_a_protection_exclusion(u.normalized),
                )
                if told is None
                else answers.answer_protection_told(
                    product, catalog.price_protection, promotions, told, skus, at, lang
                )
            )
        elif intent is Intent.STOCK:
            carried = slots.variant_hint != extract_slots(u.normalized).variant_hint  # a fragment's
            if carried and slots.variant_hint and not skus_holding(product, slots.variant_hint):
                return None  # "100包的呢": no spec says; neither a made-up "没有" nor every version
            version = (
                several.skus if several else (matching_skus(product, slots) if slots.variant_hint else None)
            )
            said = version_said(product, u.normalized) if several is None else None
            if said is not None and said.absent:  # "栗色39有吗": "没有栗色 39这个规格", not the black 39
                body = answers_product.answer_stock(product, None, said.absent[0], lang)
            else:
                version = said.skus if said is not None else version
                body = answers_product.answer_stock(product, slots.size, slots.color, lang, version=version)
        elif intent is Intent.SHIPPING:
            policy = catalog.shipping_policy(product.shipping_id)
            region = answers_policy.region_outside_mainland(u.normalized) or slots.region
            body = answers_policy.answer_shipping(
                policy, region, lang, arrival_asked=asks_arrival(u.normalized)
            )
        elif intent is Intent.SIZE:
            if not slots.measured and any(w in u.normalized for w in ABOUT_THE_HOST):
                return None  # "主播穿的什么码": the host's own size, not the chart
            usual = usual_size(u.normalized) if not slots.measured else None
            body = (
                answer_usual_size(product, usual, lang, color=slots.color) if usual is not None else None
            ) or answer_size(
                product, slots.height_cm, slots.weight_kg, lang, girth=slots.girth, color=slots.color
            )
            fit_unsaid = asks_the_fit(u.normalized) and not asks_the_fit(body or "")
            if usual is None and not slots.measured and fit_unsaid:
                # "偏大吗", "宽松吗": the catalog's own words on the fit, where the chart says none
                body = stated_in_catalog(product, u.normalized, lang) or body
        elif intent is Intent.VARIANT:
            gender = answers_product.gender_asked(u.normalized)
            if gender is not None and not answers_product.names_a_gender(product, gender):
                # "有男款吗": "这款是女款" where the name says so; a list of colours is no answer
                return self._gender_stated(product, gender, lang, at)
            unvaried, dimension = answers_product.unvaried_dimension(product, u.normalized)
            stated = (
                attribute_answer(product, u.normalized, lang) if _MEASURE_RE.search(u.normalized) else None
            )
            chosen = (
                stated_in_catalog(product, u.normalized, lang)
                if stated is None and slots.color is None and not slots.variant_hint
                else None
            )
            if stated is not None:  # "容量多大" of a cup whose attribute 容量 says 500ml
                body = stated
            elif chosen is not None and answers_product.names_a_version(product, chosen):
                # "北方冬天盖几斤": the catalog's own words choose a version for the case asked
                # ("8斤适合北方冬季"), not the list of every version
                body = chosen
            elif unvaried and slots.color is None:
                if dimension is None:  # "什么味道" of a cleanser: its own words may answer, not the list
                    return None
                body = answers_product.answer_no_choice(product, dimension, lang)
            else:
                hint = slots.variant_hint or asked_variant(u.normalized)
                body = answers_product.answer_variant(product, slots.color, hint, lang)
        elif intent is Intent.MATERIAL:
            if answers_product.asks_a_property(u.normalized):
                return None  # "起球吗": the fabric list does not say; the product's own words may
            named = parts_made_asked(product, u.normalized, answers_product.MATERIAL_KEYS)
            # "膜布材质是什么", "裆是纯棉的吗": the part's own attribute, not the formula's
            body = (
                attribute_lines(product, named, lang)
                if named
                else answers_product.answer_material(product, lang, asked=u.normalized)
            )
        elif intent is Intent.SUITABILITY:
            variants = skin_variants(product)
            skin = slots.skin_type or skin_named_by_variant(variants, slots.variant_hint or u.normalized)
            if skin is None and slots.age is None and asks_about_a_thing(u.normalized, product):
                return None  # "转接头能用吗": not about who; only the catalog's own words may answer
            if variants and skin is None and slots.age is None:
                return self._clarify_variant(product, question, variants, at)
            body = answers_product.answer_suitability(product, skin, slots.age, lang, asked=u.normalized)
            if body is not None and answers_product.leaves_nursing_unsaid(u.normalized, body):
                return None  # "孕妇和哺乳期能用吗": what pregnancy allows says nothing of nursing
        elif intent is Intent.USAGE:
            body = answers_product.answer_usage(product, lang)
            if body is None and lang != "en":  # no usage attribute: a plain "怎么用" may be described
                body = self._usage_described(product, u.normalized)
        elif intent is Intent.AFTER_SALES:
            terms = catalog.after_sales_policy(product.after_sales_id)
            warranty_asked = asks_warranty(u.normalized)
            if warranty_asked:
                if _tells_goods_gone_wrong(u.normalized):
                    return None  # "拉链坏了能修吗", "手表进水了保修吗": the viewer's goods, a person's
                if _asks_quality_assurance_only(u.normalized) and "保质期" in product.attributes:
                    # "质保期多久" of goods that keep for a time (food, cosmetics): their shelf life
                    return self._done(
                        attribute_lines(product, ["保质期"], lang), ReplySource.CATALOG, product, at, None
                    )
                if not answers_policy.states_a_warranty(terms):
                    return None  # "保修多久": the return terms say nothing of repairs
            if not answers_policy.states_the_goods_state(terms, u.normalized):
                return None  # "拆封了还能退吗": terms silent on opened goods are no answer
            case = None
            if asks_the_return_case(u):  # "收到5天了还能退吗": the window worked out for the day told
                bought = purchase_told(u.normalized, at)
                received = days_since_receipt(u.normalized, at)
                case = answers_policy.return_case(terms, received, bought.days_ago if bought else None, lang)
            body = answers_policy.answer_after_sales(
                terms, lang, told=case, asked=u.normalized, warranty_asked=warranty_asked
            )
        elif intent is Intent.HOW_TO_ORDER:
            body = answers.answer_how_to_order(product, lang)
        else:
            return None
        if body is None:
            return None
        if several is not None and several.absent and intent in (Intent.PRICE, Intent.STOCK):
            # "黑色和白色有货吗" of boots sold in no white, "黑色L和米白XL有吗": what is not sold, said so
            body += ("; no " if lang == "en" else "；没有") + "、".join(several.absent)
        sku_id = skus[0].sku_id if len(skus) == 1 else None
        return self._done(body, ReplySource.CATALOG, product, at, _facts_expiry(facts), sku_id, max_age)

    def _gender_stated(self, product: Product, gender: str, lang: str, at: datetime) -> Composed | None:
        body = answers_product.answer_gender(product, gender, lang)
        return None if body is None else self._done(body, ReplySource.CATALOG, product, at, None)

    def _clarify_variant(
        self, product: Product, question: Question, variants: dict[str, list[Sku]], at: datetime
    ) -> Composed:
        lang = question.understanding.language
        text = answers_product.clarify_variant(product, lang=lang) or tpl.handoff(lang)
        options = tuple(
            ClarifyOption(
                keywords=(skin, *_variant_words(skin)), product_id=product.product_id, sku_id=skus[0].sku_id
            )
            for skin, skus in variants.items()
        )
        pending = PendingClarification(
            question.understanding.intent,
            question.understanding.slots,
            options,
            at,
            question.understanding.normalized,
        )
        return Composed(
            sanitize(text), ReplySource.CLARIFY, product.product_id, None, None, pending, cacheable=False
        )

    # -- no product ----------------------------------------------------------------------------
    def _without_product(self, room: Room, catalog: Catalog, question: Question, at: datetime) -> Composed:
        resolution, lang = question.resolution, question.understanding.language
        if resolution.how == "unknown_link":
            link = question.understanding.slots.link_no
            body = (
                f"There is no link No.{link} in the cart; please check the numbers below."
                if lang == "en"
                else f"购物车里没有{link}号链接哦，看看下方小黄车的编号～"
            )
            return Composed(body, ReplySource.CATALOG, None, None, None)
        if resolution.how == "not_sold":  # a product this room does not sell: a person answers
            return self._handoff(None, lang)
        if resolution.how == "choice":
            products = [p for p in (catalog.product(c) for c in resolution.candidates) if p is not None]
            names = [product_label(p) for p in products]
            body = (
                f"Which one do you mean: {' or '.join(names)}?"
                if lang == "en"
                else f"您问的是{'，还是'.join(names)}？"
            )
            pending = PendingClarification(
                question.understanding.intent,
                question.understanding.slots,
                product_options(products),
                at,
                question.understanding.normalized,
            )
            return Composed(sanitize(body), ReplySource.CLARIFY, None, None, None, pending, cacheable=False)
        if question.understanding.intent is Intent.OTHER:
            return self._handoff(None, lang)  # not about a product (公司在哪, 分期): the host answers
        if resolution.how == "none":  # "现在有啥券", "今晚有啥秒杀": the room's own, no product asked
            room_wide = self._room_promotions(room, catalog, question, at)
            if room_wide is not None:
                return room_wide
        return self._ask_which(question, at, lang)

    def _room_promotions(
        self, room: Room, catalog: Catalog, question: Question, at: datetime
    ) -> Composed | None:
        """The room's coupons and 满减, or today's flash sales, for a question of them asked of no
        product (``answers.answer_room_promotions``); None for any other question (gifts included)."""
        u = question.understanding
        kind = _ROOM_WIDE_KINDS.get(u.intent)
        if kind is None or GIFT_RE.search(u.normalized) or names_another_day(u.normalized):
            return None
        reference = extract_product_reference(u.normalized)
        if reference is not None and reference.kind in ("stage", "link"):
            return None  # "这个能用数码券吗" with nothing on stage: a product is meant; ask which
        if kind is PromotionKind.FLASH_SALE and answers.asks_coupons_with_the_sale(u.normalized):
            return None  # "秒杀能用券吗", "秒杀和满减能一起用吗": whether they go together is a product's
        if _asks_steps(u) or _SALE_AND_DEALS_RE.search(u.normalized):
            return None  # the steps of a request, or a flash sale and a coupon asked of together
        promotions = (*catalog.promotions, *room.promotions)
        products = {p.product_id: p for p in catalog.products}
        asked = answers.coupon_terms_asked(u.normalized)
        body = answers.answer_room_promotions(kind, promotions, products, at, u.language, asked)
        if body is None:
            return None
        over = answers.coupons_named_over(promotions, u.normalized, at)  # "零食券还能用吗" after 21:00
        if over and kind is PromotionKind.COUPON:
            body = answers.coupons_over_said(over, u.language) + body
        changes = [t for p in promotions for t in (p.start, p.end) if t > at]
        expires = min([at + timedelta(seconds=ANSWER_MAX_AGE_S), *changes])
        return Composed(sanitize(body), ReplySource.CATALOG, None, expires, None)

    def _ask_which(self, question: Question, at: datetime, lang: str) -> Composed:
        body = "Which link number are you asking about?" if lang == "en" else "您问的是几号链接的宝贝呀？"
        pending = PendingClarification(
            question.understanding.intent,
            question.understanding.slots,
            (),
            at,
            question.understanding.normalized,
        )
        return Composed(body, ReplySource.CLARIFY, None, None, None, pending, cacheable=False)

    # -- open questions ------------------------------------------------------------------------
    def _open(self, catalog: Catalog, product: Product, question: Question, at: datetime) -> Composed:
        lang = question.understanding.language
        if self._llm is None or question.joined:
            return self._handoff(product, lang)
        passages = [
            drop_injected_sentences(p)
            for p in self._search(catalog.catalog_id, question.message.text, product.product_id)
        ][:MAX_PASSAGES]
        passages = [p for p in passages if p.strip()]
        if not passages:
            return self._handoff(product, lang)
        messages = grounded_messages(question.message.text, passages, product.name, lang)
        try:
            answer = self._llm.complete(messages)
        except LlmError as exc:
            log.info("LLM gave no answer (%s); sending the grounded fallback", exc.kind)
            return self._fallback(product, passages[0], lang, at, exc.kind)
        text = sanitize(answer.text)
        grounding = "\n".join((product.name, *passages))
        if unsupported_numbers(text, grounding) or leaks_prompt(text) or find_banned(text):
            log.info("LLM answer refused by the guard; sending the grounded fallback")
            return self._fallback(product, passages[0], lang, at, "guard")
        composed = self._done(text, ReplySource.LLM, product, at, None)
        return replace(composed, llm_called=True)

    def _fallback(self, product: Product, passage: str, lang: str, at: datetime, reason: str) -> Composed:
        if self._on_fallback is not None:
            self._on_fallback(reason)
        snippet = sanitize(" ".join(passage.split()))[:FALLBACK_CHARS]
        body = f"From the product notes: {snippet}" if lang == "en" else f"商品资料里写着：{snippet}"
        return Composed(
            body, ReplySource.FALLBACK, product.product_id, None, None, cacheable=False, llm_called=True
        )

    def _handoff(self, product: Product | None, lang: str) -> Composed:
        return Composed(
            tpl.handoff(lang),
            ReplySource.HANDOFF,
            product.product_id if product else None,
            None,
            None,
            cacheable=False,
        )

    def _basket_total(
        self, room: Room, catalog: Catalog, question: Question, at: datetime
    ) -> Composed | None:
        """What the products of the line's basket come to (``answers.answer_basket_price``), or None
        where the catalog changed under the line (a product gone: the line is answered as usual)."""
        promotions = (*catalog.promotions, *room.promotions)
        items: list[tuple[Product, list[SkuFacts], int]] = []
        for item in question.basket:
            product = catalog.product(item.product_id)
            if product is None:
                return None
            skus = [s for s in (product.sku(i) for i in item.sku_ids) if s is not None] or list(product.skus)
            items.append((product, [sku_facts(product, sku, promotions, at) for sku in skus], item.quantity))
        body = answers.answer_basket_price(items, question.understanding.language)
        every = [f for _, facts, _ in items for f in facts]
        return self._done(body, ReplySource.CATALOG, items[0][0], at, _facts_expiry(every))

    def _done(
        self,
        body: str,
        source: ReplySource,
        product: Product,
        at: datetime,
        facts_expiry: datetime | None,
        sku_id: str | None = None,
        max_age_s: float = ANSWER_MAX_AGE_S,
    ) -> Composed:
        limit = at + timedelta(seconds=max_age_s)
        expires = limit if facts_expiry is None else min(limit, facts_expiry)
        return Composed(sanitize(body), source, product.product_id, expires, sku_id)


def _a_versions_count(product: Product, quantity: int, unit: str | None) -> bool:
    """Whether a count said is the count a version of the product holds ("30包" of "25g×30包")."""
    return unit is not None and any(f"{quantity}{unit}" in sku.spec for sku in product.skus)


# Questions of the goods themselves, which their own words answer (no policy, price or stock).
_FACT_INTENTS = frozenset({Intent.OTHER, Intent.SUITABILITY, Intent.USAGE, Intent.MATERIAL})

# The sources of a confident answer, the only ones a reply to several questions joins.
_CONFIDENT = frozenset({ReplySource.CATALOG, ReplySource.FAQ})


def _joins(more: Composed, first: Composed, product_id: str | None) -> bool:
    """Whether a further question's answer joins the reply: a confident answer of the product it
    asks of (``product_id``: the first answer's, or another the line names) that needs no choice
    from the viewer, cacheable like the first."""
    return (
        more.source in _CONFIDENT
        and more.product_id == product_id
        and more.pending is None
        and more.cacheable
    )


def _says_again(body: str, said: Sequence[str], product: Product | None) -> bool:
    """Whether every statement of ``body`` is in the answers ``said`` already, its product's name
    aside ("卤味坊 麻辣鸭脖 辣度：…" after "…保质期：90天；辣度：…")."""
    core = body.removeprefix(product.name).lstrip(" ：:") if product is not None else body
    text = "；".join(said)
    parts = [p.strip().rstrip("。") for p in re.split(r"[；;]", core) if p.strip()]
    return all(p in text for p in parts)


def join_answers(bodies: Sequence[str]) -> str:
    """Answers to one line's questions as one reply: "¥59.90；满¥99包邮"."""
    return "；".join(b.strip().rstrip("。；;") for b in bodies if b.strip())


# A measure a variant question asks ("容量多大", "多少ml"): an attribute that states it answers best.
_MEASURE_RE = re.compile(r"容量|多少ml|多少毫升|净含量|规格")

# Intents whose best answer is a close operator FAQ pair when there is one ("多久敷一次").
FAQ_FIRST = frozenset({Intent.SUITABILITY, Intent.USAGE, Intent.MATERIAL, Intent.VARIANT, Intent.OTHER})
GIFT_RE = re.compile(r"赠品|小样|试用装|福袋|送什么|有赠|有送|送不送|gift")
# "这个是什么呀" / "卖的什么" of the product in view, the whole line (not "这是什么意思"): a question about
# the product even where the model takes the line for chat (``Answerer._stated``)
_WHAT_IS_THIS = (
    r"^(这|这个|那个)是?个?什么(东西|产品|宝贝)?[?!.呀啊呢]*$|"
    r"^(你们|这里|现在)?(在)?卖的?(是)?什么(东西|产品)?的?[?!.呀啊呢]*$|"
    r"^what is (this|it)\??$"
)
WHAT_IS_THIS_RE = re.compile(_WHAT_IS_THIS)
# A request to present the product: "介绍一下" ("介绍一下你自己" too, so only on the answer route), or
# what the product in view is
INTRODUCE_RE = re.compile(rf"介绍|讲一下|讲讲|说说|tell me about|introduce|{_WHAT_IS_THIS}")
_ASKED_VARIANT_RE = re.compile(r"有(?:没有)?(.{1,5}?)的?(?:吗|嘛)$")
INTRO_CHARS = 80


_ASCII_WORD_RE = re.compile(r"[a-z][a-z0-9+]{2,}")
_ENGLISH_STOP = frozenset(
    (
        "the",
        "and",
        "for",
        "does",
        "this",
        "that",
        "with",
        "can",
        "will",
        "what",
        "how",
        "much",
        "many",
        "have",
        "has",
        "are",
        "you",
        "your",
        "its",
        "it",
        "is",
        "work",
        "works",
        "use",
        "used",
        "good",
        "any",
        "there",
    )
)


# Intents whose answer is the same whatever else the wording asks (their facts take no more input).
_WHOLE_ANSWER_INTENTS = frozenset(
    {Intent.PRICE, Intent.FLASH_SALE, Intent.PRICE_PROTECTION, Intent.HOW_TO_ORDER, Intent.STOCK}
)


# How a garment or shoe fits ("偏大吗", "宽松吗", "是正码吗"): the catalog's words on it, not the chart.
_FIT_ASKED_RE = re.compile(r"偏大|偏小|正码|标准码|宽松|修身|紧身|宽大|合身|大不大|小不小|显胖|显瘦|版型")


def asks_the_fit(normalized: str) -> bool:
    """Whether a size question asks how the product fits (``_FIT_ASKED_RE``), not which size to take."""
    return _FIT_ASKED_RE.search(normalized) is not None


def stated_in_catalog(product: Product, normalized: str, lang: str) -> str | None:
    """The attribute (``attribute_answer``), else the sentence (``quote_answer``), that answers the
    line, read whole, else clause by clause (``asked_clauses``: "防水不 下周去海边" asks "防水不"),
    with the versions it names that are sold out said so ("偏黑肤色选小麦色（小麦色 30ml已售罄）")."""

    def stated(text: str) -> str | None:
        return attribute_answer(product, text, lang) or quote_answer(product, text, lang)

    found = stated(normalized) or next(
        (found for c in asked_clauses(normalized) if (found := stated(c)) is not None), None
    )
    return None if found is None else found + answers_product.sold_out_named(product, found, lang)


# What happened to the goods, told before a warranty question ("屏幕裂了保修吗", "进水了能修吗", "跑绒了
# 包修吗"), unless as a condition ("如果坏了保修吗", "万一坏了能修吗").
_TOLD_BEFORE_REPAIR_RE = re.compile(r"了[^,.!?\s]{0,4}(?:保修|包修|质保|维修|修)")


def _asks_quality_assurance_only(normalized: str) -> bool:
    """Whether a warranty question says 质保 and no other word of repairs (``asks_warranty``:
    "质保期多久", "有质保吗"): of goods that keep for a time it asks their shelf life (保质期), as
    shoppers type it."""
    return "质保" in normalized and not asks_warranty(normalized.replace("质保", ""))


def _tells_goods_gone_wrong(normalized: str) -> bool:
    """Whether a warranty question tells goods of the viewer's gone wrong (a fault, or something
    that happened to them: ``_TOLD_BEFORE_REPAIR_RE``), not a condition asked before buying."""
    if asks_as_a_condition(normalized):
        return False
    return mentions_a_fault(normalized) or _TOLD_BEFORE_REPAIR_RE.search(normalized) is not None


def _asks_steps(understanding: Understanding) -> bool:
    """Whether a policy question asks the steps of a request or of a return (``policy_asks``)."""
    return asks_the_steps(understanding.normalized, understanding.intent)


def answer_facets(understanding: Understanding) -> tuple[object, ...]:
    """Everything in a question's wording, beyond intent and slots, that the answer reads: the
    variant asked for ("有带吸管的吗"), a gift question, an introduction request, and (for intents
    answered from the FAQ, attributes or the catalog's own sentences) what the question asks about
    (``catalog_words.question_terms``); a marker alone for a line that no template may answer the
    usual way: the viewer's own order, another day, the steps of a request, the list price. Part of
    the answer-cache and grouping key, so two questions of one intent that ask different things never
    share a reply; "多少钱" and "这个什么价" still do."""
    u = understanding
    if works_out_a_case(u):
        return ("case told", u.normalized)  # the case of the purchase or receipt told: its own words
    if about_own_order(u.normalized):  # "保价还有几天" (a purchase) never shares "保价多久"'s reply
        return ("own_order",)
    if names_another_day(u.normalized):  # "明天多少钱" never shares today's "多少钱" reply
        return ("another_day",)
    if _asks_steps(u):
        return ("procedure",)  # "保价怎么申请" never shares "保价多久"'s reply
    if u.intent is Intent.PRICE and asks_list_price(u.normalized):
        return ("list_price",)  # "原价多少" never shares "多少钱"'s reply
    if u.intent is Intent.PRICE and asks_value(u.normalized):
        return ("value",)  # "哪个划算" gets each version per unit, never "多少钱"'s reply
    if u.intent is Intent.PRICE and (unit := one_unit_priced(u.normalized)):
        return ("one_unit", unit)  # "多少钱一支" gets a pack's price per 支
    if u.intent is Intent.FLASH_SALE and answers.asks_coupons_with_the_sale(u.normalized):
        return ("stacking",)  # "秒杀价能叠券吗" never shares "秒杀几点"'s reply
    if u.intent is Intent.PRICE_PROTECTION and answers.names_a_protection_exclusion(u.normalized):
        return ("exclusion_first",)  # "秒杀时能退差价吗" leads with the exclusions, "保价多久" not
    if u.intent in _WHOLE_ANSWER_INTENTS:
        return ()
    variant = asked_variant(u.normalized) if u.intent is Intent.VARIANT else None
    coupon_terms = answers.coupon_terms_asked(u.normalized) if u.intent is Intent.DISCOUNT else frozenset()
    return (
        variant or "",
        usual_size(u.normalized) if u.intent is Intent.SIZE else None,  # "平时穿39" never shares 37's
        asks_the_fit(u.normalized) if u.intent is Intent.SIZE else None,  # "偏大吗" is no chart
        *sorted(coupon_terms),  # "能领几张" never shares "有券吗"'s reply
        *(answers.coupon_words_asked(u.normalized) if u.intent is Intent.DISCOUNT else ()),
        asks_arrival(u.normalized) if u.intent is Intent.SHIPPING else None,  # "几天能到" is no "包邮吗"
        # "拆了能退吗" leads with the condition on opened goods, never "能退吗"'s terms
        *(answers_policy.goods_states_named(u.normalized) if u.intent is Intent.AFTER_SALES else ()),
        # "保修多久" leads with the warranty, "能退吗" with the return terms
        asks_warranty(u.normalized) if u.intent is Intent.AFTER_SALES else None,
        bool(GIFT_RE.search(u.normalized)),
        bool(INTRODUCE_RE.search(u.normalized)),
        *question_terms(u.normalized),
    )


def faq_by_shared_word(product: Product, normalized: str) -> FaqPair | None:
    """An FAQ pair whose question shares a distinctive Latin word with the viewer's ("Mac", "iPhone"):
    English questions about a Chinese FAQ ("Does it work with a Mac?" -> "Mac能用吗")."""
    words = set(_ASCII_WORD_RE.findall(normalized)) - _ENGLISH_STOP
    if not words:
        return None
    hits = [f for f in product.faq if words & set(_ASCII_WORD_RE.findall(f.question.lower()))]
    return hits[0] if len(hits) == 1 and not answers_product.speaks_of_another(hits[0], normalized) else None


# A difference asked between versions ("两款有什么区别", "30ml和50ml差在哪"), and between two named
# ("控油款和保湿款有啥区别").
_DIFFERENCE = r"区别|差别|不同|差异|差在哪|差哪"
DIFFERENCE_RE = re.compile(_DIFFERENCE)
# The two things compared ("控油款" and "保湿款"), and the words around them that name nothing.
COMPARED_RE = re.compile(
    rf"([^\s,.!?]{{0,10}}?)(?:和|跟|与|还是)([^\s,.!?]{{1,10}}?)(?:有|的)?(?:什么|啥|哪些)?(?:{_DIFFERENCE})"
)
_COMPARED_FILLER_RE = re.compile(r"\d+号(?:链接)?|请问|这个|这款|那个|那款|主播|[的是有吗呢啊呀]")


def faq_on_difference(product: Product, normalized: str) -> FaqPair | None:
    """The product's one FAQ pair about the difference between its versions ("两款有什么区别"), for
    a line that asks a difference: with no two things named, or two things the pair itself speaks
    of ("控油款和保湿款有啥区别"), never a comparison with something else ("这个和普通爽肤水有什么区别",
    "200ml和400ml有什么区别" against a pair on 控油款 and 保湿款). Else None."""
    if DIFFERENCE_RE.search(normalized) is None:
        return None
    hits = [f for f in product.faq if DIFFERENCE_RE.search(f.question)]
    if len(hits) != 1:
        return None
    compared = COMPARED_RE.search(normalized)
    if compared is not None:
        said = hits[0].question + hits[0].answer
        terms = [_COMPARED_FILLER_RE.sub("", t) for t in compared.groups()]
        if not all(t and t in said for t in terms):
            return None
    return hits[0]


def asked_variant(normalized: str) -> str | None:
    """The variant named in "有抹茶味吗" / "有钢带吗" / "有甜辣的吗", if any."""
    match = _ASKED_VARIANT_RE.search(normalized.rstrip("?"))
    if match is None:
        return None
    word = match.group(1).removeprefix("没有").strip()
    if word.startswith(("什么", "哪", "几", "多少")) or word == "货":  # "有什么区别吗" names no variant
        return None
    return word


def introduction(product: Product, lang: str) -> str:
    """A short introduction from the operator's description (injected instructions removed)."""
    text = drop_injected_sentences(" ".join(product.description.split()))
    if not text:
        return ""
    cut = text[:INTRO_CHARS]
    if len(text) > INTRO_CHARS:
        end = max(cut.rfind("。"), cut.rfind("，"), cut.rfind("；"))
        cut = cut[: end + 1] if end > 20 else cut + "…"
    return f"{product.name}: {cut}" if lang == "en" else f"{product.name}：{cut}"


def _holds(product: Product, thing: str) -> bool:
    """Whether the product's name, aliases, specs or attribute names hold the thing a line asks for."""
    texts = (product.name, *product.aliases, *(sku.spec for sku in product.skus), *product.attributes)
    return any(thing in text.lower() for text in texts)


def _facts_expiry(facts: Sequence[SkuFacts]) -> datetime | None:
    times = [f.valid_until for f in facts if f.valid_until is not None]
    return min(times) if times else None


def _variant_words(skin: str) -> tuple[str, ...]:
    return SKIN_VARIANT_WORDS.get(skin, ())


def skin_named_by_variant(variants: dict[str, list[Sku]], text: str) -> str | None:
    """ "那保湿的呢" names the skin type through a variant word: 保湿 -> 干皮."""
    for skin in variants:
        if any(word in text for word in SKIN_VARIANT_WORDS.get(skin, ()) if word != skin):
            return skin
    return None
