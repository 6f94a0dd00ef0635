"""Grounded answers about shipping (carrier, dispatch, 包邮, excluded regions) and after-sales
(N天无理由, 运费险, warranty, the operator's conditions), from the catalog's policy objects."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.danmaku.answer_templates import finish, format_amount, join
from assistant.danmaku.purchase_told import bought_when
from assistant.danmaku.vocabulary import GOODS_STATES, province_of
from knowledge.domain import AfterSalesPolicy, ShippingPolicy

# Regions a shop's shipping terms do not cover unless they name them: Hong Kong, Macau, Taiwan, abroad
# (``slot_rules.REGIONS`` spells them so).
OUTSIDE_MAINLAND = frozenset({"香港", "澳门", "台湾", "港澳台", "海外", "国外"})
_OUTSIDE_LONGEST_FIRST = sorted(OUTSIDE_MAINLAND, key=len, reverse=True)  # 港澳台 before 台湾


def region_outside_mainland(text: str) -> str | None:
    """A region outside the mainland the line names anywhere (``OUTSIDE_MAINLAND``), or None: a
    line's region slot is its first region, which a product's name may hold ("云南冰糖橙发香港吗")."""
    return next((r for r in _OUTSIDE_LONGEST_FIRST if r in text), None)


def answer_shipping(
    policy: ShippingPolicy | None,
    region: str | None = None,
    lang: str = "zh",
    nickname: str = "",
    arrival_asked: bool = False,
) -> str | None:
    """Carrier, dispatch promise (or pre-sale date), free-shipping threshold and excluded regions;
    None for a region outside the mainland the policy does not list (``OUTSIDE_MAINLAND``: a
    policy's terms are the mainland's, so "发香港吗" is a person's to answer). Asked when goods
    arrive (``arrival_asked``), the dispatch promise is said to be no arrival time: a policy states
    none, and "付款后48小时内发货" alone reads as one."""
    if policy is None or (region in OUTSIDE_MAINLAND and region not in policy.excluded_regions):
        return None
    en = lang == "en"
    parts = [
        (f"ships by {policy.carrier}, " if en else f"{policy.carrier}快递，")
        + (
            (f"pre-sale: {policy.presale_dispatch}" if en else f"预售：{policy.presale_dispatch}")
            if policy.presale_dispatch
            else (
                f"dispatched within {policy.dispatch_hours} h of payment"
                if en
                else f"付款后{policy.dispatch_hours}小时内发货"
            )
        )
    ]
    threshold = policy.free_shipping_threshold
    if threshold is None:
        parts.append(
            f"shipping fee {format_amount(policy.fee)}" if en else f"运费{format_amount(policy.fee)}"
        )
    elif threshold == 0:
        parts.append("free shipping" if en else "包邮")
    else:
        parts.append(
            f"free shipping over {format_amount(threshold)}, else {format_amount(policy.fee)}"
            if en
            else f"满{format_amount(threshold)}包邮，不满收运费{format_amount(policy.fee)}"
        )
    excluded = policy.excluded_regions
    province = province_of(region) if region is not None else None
    if region is not None and province in excluded:
        # a city is said with its province ("拉萨（西藏）"): the viewer sees why it is left out
        if province != region:
            region = f"{region} ({province})" if en else f"{region}（{province}）"
        # the catalog's field lists regions with no shipping or no free shipping (its upload header
        # is 不发货地区 or 偏远地区) and does not say which: "不在包邮范围" alone would promise a parcel
        parts.append(
            f"{region} is among the regions not shipped to or not shipped free"
            if en
            else f"{region}属于不发货或不包邮地区"
        )
    elif excluded:
        parts.append(f"except {join(excluded, lang)}" if en else f"{join(excluded, lang)}除外")
    if arrival_asked and not (region is not None and province in excluded):  # no arrival where none is sent
        parts.append("delivery time depends on the courier" if en else "到货时间以快递实际配送为准")
    return finish(("; " if en else "，").join(parts), nickname, lang)


_NOTE_SPLIT_RE = re.compile(r"[，,；;。]")
_CONDITION_RE = re.compile(r"不|后|除|仅|只|需|未|质量|人为")


def states_a_warranty(policy: AfterSalesPolicy | None) -> bool:
    """Whether the after-sales policy states its warranty: its months, or that there is none (0 given,
    as a cleanser's or food's terms may say): the one fact of repairs that ``answer_after_sales``
    says. A policy that leaves it out (``None``: an empty cell), or a note that only names one
    ("全国联保"), leaves the question to a person."""
    return policy is not None and policy.warranty_months is not None


def states_the_goods_state(policy: AfterSalesPolicy | None, normalized: str) -> bool:
    """Whether the policy's notes speak of every state of the goods the question names
    (``vocabulary.GOODS_STATES``: "拆封了还能退吗" against "激活或拆封后…不支持无理由退货"); a question
    naming none is answered by the terms as they are. "支持7天无理由退货" is no answer for goods opened
    when the notes never say."""
    notes = policy.notes if policy is not None else ""
    for words in GOODS_STATES.values():
        # a state is stated by its word's first two characters ("使用过" is said "使用后")
        if _names_a_state(normalized, words) and not any(w[:2] in notes for w in words):
            return False
    return True


def goods_states_named(normalized: str) -> tuple[str, ...]:
    """The states of the goods the line says they are in (``vocabulary.GOODS_STATES``' names: "拆了能退吗"
    -> ("opened",)): the after-sales answer leads with the policy's condition on each, so two questions
    naming different states never share a reply."""
    return tuple(name for name, words in GOODS_STATES.items() if _names_a_state(normalized, words))


_NOT_SO_RE = re.compile(r"(?:没|没有|未|不)$")


def _names_a_state(normalized: str, words: tuple[str, ...]) -> bool:
    """Whether the line says the goods are in a state, one of ``words`` not denied ("没用过" is no use)."""
    return any(
        not _NOT_SO_RE.search(normalized[: m.start()])
        for w in words
        for m in re.finditer(re.escape(w), normalized)
    )


def answer_after_sales(
    policy: AfterSalesPolicy | None,
    lang: str = "zh",
    nickname: str = "",
    told: ReturnCase | None = None,
    asked: str = "",
    warranty_asked: bool = False,
) -> str | None:
    """Returns (N天无理由), return-shipping insurance, warranty, plus the operator's conditions; the
    warranty the policy states comes first when the question asks about one (``warranty_asked``:
    "保修多久" -> "不提供保修，支持7天无理由退货…"), and that there is none is said only then;
    the viewer's own case (``return_case``), where given, stands for the return terms (and, past the
    window, for the insurance of a return too). The conditions on a state of the goods the question
    ``asked`` names come first, in place of the return terms or the viewer's case ("拆了能退吗":
    "激活或拆封后无质量问题不支持无理由退货，…", never "…，在签收后7天无理由退货期内" after it)."""
    if policy is None:
        return None
    en = lang == "en"
    days, months = policy.no_reason_return_days, policy.warranty_months
    insured = None if told is not None and told.past else policy.return_shipping_insurance
    if en:
        parts = [
            told.text if told else (f"{days}-day no-reason returns" if days > 0 else "no no-reason returns")
        ]
        if insured is not None:
            parts.append("return shipping insurance included" if insured else "no return shipping insurance")
        warranty = (f"{months}-month warranty" if months else "no warranty") if months is not None else ""
    else:
        parts = [told.text if told else (f"支持{days}天无理由退货" if days > 0 else "不支持无理由退货")]
        if insured is not None:
            parts.append("有运费险" if insured else "没有运费险")
        warranty = (f"保修{months}个月" if months else "不提供保修") if months is not None else ""
    leading = [warranty] if warranty_asked and warranty else []  # the warranty asked comes first
    if months and not leading:  # months stated are said with the terms; that there is none only when asked
        parts.append(warranty)
    said = "".join(leading + parts)
    notes = [n.strip() for n in _NOTE_SPLIT_RE.split(policy.notes) if n.strip()]
    extra = [n for n in notes if n not in said and _CONDITION_RE.search(n)]
    named = [w[:2] for words in GOODS_STATES.values() if _names_a_state(asked, words) for w in words]
    first = [n for n in extra if any(w in n for w in named)]
    rest = [n for n in extra if n not in first]
    if first:  # the condition on the state named decides: the bare terms or the window would mislead
        parts = parts[1:]
    return finish(("; " if en else "，").join(leading + first + parts + rest), nickname, lang)


@dataclass(frozen=True, slots=True)
class ReturnCase:
    """The viewer's own return case as said, and whether it is past the no-reason window."""

    text: str
    past: bool = False


def return_case(
    policy: AfterSalesPolicy | None, received: int | None, bought: int | None, lang: str = "zh"
) -> ReturnCase | None:
    """The viewer's own return case from the day they told, against the no-reason window, which
    counts from receipt: received ``received`` whole days ago (inside when fewer days than the
    window, past when more; the window's last day is left to the order page), or bought ``bought``
    days ago (received later, so inside when fewer days than the window; more says nothing of the
    receipt). None when nothing is worked out (no window, no day told): the terms are said as they
    are. Inside the window the operator's conditions still follow ("食品拆封后不支持无理由退货")."""
    days = policy.no_reason_return_days if policy is not None else 0
    en = lang == "en"
    if days <= 0:
        return None
    if received is not None:
        when = _received_when(received, lang)
        if received < days:
            return ReturnCase(
                f"{when}: within the {days}-day no-reason return window (from receipt)"
                if en
                else f"{when}，在签收后{days}天无理由退货期内"
            )
        if received > days:
            return ReturnCase(
                f"{when}: past the {days}-day no-reason return window (from receipt)"
                if en
                else f"{when}，已过签收后{days}天无理由退货期",
                past=True,
            )
        return ReturnCase(
            f"{when}: the {days}-day window from receipt ends about now; the order page says"
            if en
            else f"{when}，正好满签收后{days}天，以订单页能否申请为准"
        )
    if bought is not None:
        when = bought_when(bought, lang)
        return ReturnCase(
            (
                f"{when}: within the {days}-day no-reason return window (from receipt)"
                if en
                else f"{when}，签收后{days}天内都在无理由退货期内"
            )
            if bought < days
            else (
                f"{days}-day no-reason returns, counted from receipt"
                if en
                else f"支持签收后{days}天无理由退货，按签收时间算"
            )
        )
    return None


def _received_when(days: int, lang: str) -> str:
    """When the viewer received the goods, in their own measure ("昨天收到的", "收到5天")."""
    if lang == "en":
        return {0: "received today", 1: "received yesterday"}.get(days, f"received {days} days ago")
    return {0: "今天收到的", 1: "昨天收到的", 2: "前天收到的"}.get(days, f"收到{days}天")
