"""Whether a question about the shop's terms asks what the room's policies state.

The understanding model may be unsure of a policy question ("今天下单能发出去不", "快递费咋算的呀",
"如果降价了能保价吗"): in a customer-service chat the same words often chase an order already placed.
Such an unsure ("open") line may still be answered from the policy when it asks one of the facts the
policy objects hold, and nothing they do not. Which facts those are is fixed by the catalog's data
model (``knowledge.domain``), not by any data:

- shipping (``ShippingPolicy``): the carrier, when goods are sent, what delivery costs, the regions
  served (a time to arrive is answered by the dispatch promise, told it is no arrival date);
- after-sales (``AfterSalesPolicy``): returns within the no-reason window, exchanges, who pays
  the postage back (运费险);
- price protection: the days it lasts, and whether a lower price later is refunded;
- discounts: the room's coupons and 满减.

Never stated, so never answered here: an hour or a day part of delivery, a station or pickup point,
where goods ship from, a membership's terms, returning part of an order, where or when refunded
money goes, the day a term starts counting from, a step of an application. Nor is an unsure line
telling the viewer's own case: a chase ("为什么", "怎么还", "赶得上吗"), a day gone by, their goods in
the first person, goods gone wrong.
With an LLM configured the answerer lets it read unsure lines instead (``llm_reading``).
"""

from __future__ import annotations

import re

from assistant.danmaku.intent import (
    asks_a_procedure,
    asks_arrival,
    asks_to_send_back,
    mentions_a_fault,
    ships_from,
)
from assistant.danmaku.types import Intent

# A member's own terms ("会员价", "plus会员包邮吗", "vip有优惠吗"): no catalog states them.
_MEMBERSHIP = r"会员|(?<![a-z])plus(?![a-z])|(?<![a-z])vip(?![a-z])"
_CARRIERS = r"顺丰|京东|中通|圆通|韵达|申通|邮政|ems|极兔|德邦"
_STATED: dict[Intent, re.Pattern[str]] = {
    Intent.SHIPPING: re.compile(
        rf"(?:什么|啥|哪家|哪个)(?:快递|物流)|发(?:的|是)?(?:{_CARRIERS})|(?:{_CARRIERS})(?:快递|物流)|"
        r"(?:什么时候|啥时候|几天|多久|多长时间|今天|明天|当天|马上)(?:下单|拍|付款)?(?:能|可以|会|就|就能)?(?:发货|发出|寄出|出货|发吗|发吧|发\?|发$)|"
        r"发货(?:时间|快|慢|要|需要)|运费(?!险)|邮费|快递费|包邮|邮资|"
        # whether goods are sent at all, or to a region ("新疆能发货吗", "我在包头，能发吗")
        r"(?:能|可以|能不能|可不可以)(?:发货|发|寄|送)(?:过来|过去|到)?(?:吗|么|嘛|不)?[啊呀呢哦]?(?:\?|$)"
    ),
    Intent.AFTER_SALES: re.compile(
        r"无理由|(?:能|可以|可不可以|支持|能不能)(?:退|换)|退换|换货|退货|运费险|"
        r"(?:寄回|退回|退货|换货|退换)的?(?:运费|邮费|快递费|费用)|运费谁出"
    ),
    Intent.PRICE_PROTECTION: re.compile(r"保价|价保|价格保护|退差价|补差价"),
    Intent.DISCOUNT: re.compile(r"优惠[券卷]|[券卷]|满减|满\d+减|优惠|打折|折扣"),
}
_UNSTATED_RE = re.compile(
    # an hour or a part of the day goods arrive, a station, a pickup point, a door (a time of sending
    # is the dispatch promise's: "晚上拍能当天发吗")
    r"(?:中午|上午|下午|晚上|今晚|凌晨|几点|\d点|点半).{0,4}(?:到|送|派送)|送到[^,.!?\s]{0,6}站|站点|配送站|驿站|自提|"
    r"上门|"
    # a membership's terms, the payment's own money
    rf"{_MEMBERSHIP}|白条|e卡|积分|京豆|"
    # part of an order, parcels split or joined
    r"单退|部分(?!地区|城市|省)|其中|剩下的|剩余的|退(?:一|1)(?:件|个|瓶|支|盒|包|双|条)|所有(?:东西|商品)?都|全部退|一起退|单独寄|分开(?:发|寄)|一起(?:发|寄)|合并|"
    # a place of delivery no policy names
    r"送到(?:学校|门口|家门口|楼下|楼上|单位|公司)|放(?:门口|快递柜)|"
    # what a warranty covers, how it is served ("保修包括电池吗", "换新还是维修", "全国联保吗")
    r"保修.{0,3}(?:包括|包含|范围|哪些)|换新还是(?:维|修)|(?:维修|修)还是换新|联保|保修.{0,4}(?:寄|运费|邮费)|"
    r"(?:保修期?|质保期?)过了|过了保修|"
    # the day a term starts counting from ("保修期从啥时候开始算", "三包按什么为准"): the policies
    # state a term's length, never its start
    r"(?:以|按)[^,.!?\s]{0,6}为准|从[^,.!?\s]{1,4}?(?:开始|那天|那一天)?(?:算|计算)|按什么算|起算|"
    # refunded money: where to, how fast
    r"(?:多久|什么时候|啥时候|几天)(?:能|会|才)?退款|退款.{0,4}(?:多久|什么时候|啥时候|几天|慢|快)|到账|原路|退到|退回到|返到"
)
# What an unsure line tells of the viewer's own case, which the line alone does not hold: a chase or a
# challenge ("为什么", "怎么还", "赶得上吗", "不是说后天能送到吗"), something sent before ("我发给你的截图"),
# a day gone by ("前天收到红包 这个能退吗", "上周拍的能保价吗"). A sure line is the model's to read (and
# a day told is worked out against the return window: ``intent.works_out_a_case``).
_OWN_CASE_RE = re.compile(
    r"为什么|为啥|怎么还|还没|赶得上|赶的上|来得及|着急|很急|^(?:那|可)?不是|发给你|给你发|"
    # the viewer's own goods or order said in the first person ("我的耳机能换新吗", "我那单可以退吗")
    r"我的|我那|我这(?:单|个|件|边的)|不想要了|"
    r"昨天|前天|上周|上个?星期|上个?月|之前|上次|那天|\d{1,2}号|[\d一二两三四五六七八九十几]+天前"
)


def asks_what_the_policy_states(normalized: str, intent: Intent) -> bool:
    """Whether a policy question of ``intent`` asks a fact its policy states (module docstring) and
    nothing the policies never state."""
    stated = _STATED.get(intent)
    if stated is None:
        return False
    asked = stated.search(normalized) is not None or (intent is Intent.SHIPPING and asks_arrival(normalized))
    return (
        asked
        and not asks_what_no_policy_states(normalized, intent)
        and _OWN_CASE_RE.search(normalized) is None
        and not mentions_a_fault(normalized)  # "过敏了能不能退": goods gone wrong, unsure whose
    )


def asks_what_no_policy_states(normalized: str, intent: Intent) -> bool:
    """Whether a policy question of ``intent`` asks something no policy object holds (module
    docstring): a template of the policy would answer another question."""
    return (
        _UNSTATED_RE.search(normalized) is not None
        or asks_the_steps(normalized, intent)
        or ships_from(normalized)
    )


# Intents answered from the shop's policy objects; of them, those answered by a policy's terms, which
# say nothing of how to file a request or send goods back.
_TERMS_INTENTS = frozenset({Intent.AFTER_SALES, Intent.PRICE_PROTECTION})
POLICY_INTENTS = _TERMS_INTENTS | {Intent.SHIPPING}


def asks_the_steps(normalized: str, intent: Intent) -> bool:
    """Whether a policy question asks the steps of a request or of a return, not the policy's terms
    (``intent.asks_a_procedure``: "保价怎么申请", "退货地址是哪里"); a shipping question's only steps are
    sending goods back (``intent.asks_to_send_back``: "发什么快递退回"; "包邮怎么弄" is the policy's)."""
    if intent in _TERMS_INTENTS:
        return asks_a_procedure(normalized)
    return intent is Intent.SHIPPING and asks_to_send_back(normalized)


_MEMBERSHIP_RE = re.compile(_MEMBERSHIP)


def names_a_membership(normalized: str) -> bool:
    """Whether the line asks a member's terms ("衣服会员价多少", "vip有优惠吗"): the catalog
    states prices and promotions for everyone, so its price or coupons are no answer."""
    return _MEMBERSHIP_RE.search(normalized) is not None
