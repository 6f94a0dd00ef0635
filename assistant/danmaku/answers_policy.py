"""Grounded answers about shipping (carrier, dispatch, 包邮, excluded regions) and after-sales
(N天无理由, 运费险, warranty, the operator's conditions), from the catalog's policy objects."""

from __future__ import annotations

import re

from assistant.danmaku.answer_templates import finish, format_amount, join
from assistant.danmaku.vocabulary import GOODS_STATES
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
    policy: ShippingPolicy | None, region: str | None = None, lang: str = "zh", nickname: str = ""
) -> str | None:
    """Carrier, dispatch promise (or pre-sale date), free-shipping threshold and excluded regions;
    None for a region outside the mainland the policy does not list (``OUTSIDE_MAINLAND``: a
    policy's terms are the mainland's, so "发香港吗" is a person's to answer)."""
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
    if region is not None and region in excluded:
        # the catalog's field lists regions with no shipping or no free shipping (its upload header
        # is 不发货地区 or 偏远地区) and does not say which: "不在包邮范围" alone would promise a parcel
        parts.append(
            f"{region} is among the regions not shipped to or not shipped free"
            if en
            else f"{region}属于不发货或不包邮地区"
        )
    elif excluded:
        parts.append(f"except {join(excluded, lang)}" if en else f"{join(excluded, lang)}除外")
    return finish(("; " if en else "，").join(parts), nickname, lang)


_NOTE_SPLIT_RE = re.compile(r"[，,；;。]")
_CONDITION_RE = re.compile(r"不|后|除|仅|只|需|未|质量|人为")


def states_a_warranty(policy: AfterSalesPolicy | None) -> bool:
    """Whether the after-sales policy states a warranty (its months): the one fact of repairs that
    ``answer_after_sales`` says; a note that only names one ("全国联保") is left to a person."""
    return policy is not None and policy.warranty_months > 0


def states_the_goods_state(policy: AfterSalesPolicy | None, normalized: str) -> bool:
    """Whether the policy's notes speak of every state of the goods the question names
    (``vocabulary.GOODS_STATES``: "拆封了还能退吗" against "激活或拆封后…不支持无理由退货"); a question
    naming none is answered by the terms as they are. "支持7天无理由退货" is no answer for goods opened
    when the notes never say."""
    notes = policy.notes if policy is not None else ""
    for words in GOODS_STATES.values():
        # a state is stated by its word's first two characters ("使用过" is said "使用后")
        if any(w in normalized for w in words) and not any(w[:2] in notes for w in words):
            return False
    return True


def answer_after_sales(policy: AfterSalesPolicy | None, lang: str = "zh", nickname: str = "") -> str | None:
    """Returns (N天无理由), return-shipping insurance, warranty, plus the operator's conditions."""
    if policy is None:
        return None
    en = lang == "en"
    days, months = policy.no_reason_return_days, policy.warranty_months
    if en:
        parts = [f"{days}-day no-reason returns" if days > 0 else "no no-reason returns"]
        parts.append(
            "return shipping insurance included"
            if policy.return_shipping_insurance
            else "no return shipping insurance"
        )
        if months > 0:
            parts.append(f"{months}-month warranty")
    else:
        parts = [f"支持{days}天无理由退货" if days > 0 else "不支持无理由退货"]
        parts.append("有运费险" if policy.return_shipping_insurance else "没有运费险")
        if months > 0:
            parts.append(f"保修{months}个月")
    said = "".join(parts)
    notes = [n.strip() for n in _NOTE_SPLIT_RE.split(policy.notes) if n.strip()]
    extra = [n for n in notes if n not in said and _CONDITION_RE.search(n)]
    return finish(("; " if en else "，").join(parts + extra), nickname, lang)
