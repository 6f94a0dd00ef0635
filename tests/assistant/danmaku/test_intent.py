"""Intent and slots on labelled questions (typos, slang, Traditional, English), product references."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.danmaku.intent import (
    ProductRef,
    about_own_order,
    asks_a_procedure,
    asks_to_send_back,
    asks_warranty,
    classify_intent,
    compared_elsewhere,
    disputes_the_price,
    extract_product_reference,
    is_followup_reference,
    reports_a_problem,
    sold_thing,
    thing_asked_for,
    understand,
)
from assistant.danmaku.normalize import normalize
from assistant.danmaku.slot_rules import extract_slots, says_only_details
from assistant.danmaku.types import Intent, Slots, Triage

I = Intent  # noqa: E741 - short alias keeps the table readable

LABELLED: list[tuple[str, Intent, dict[str, Any]]] = [
    # price
    ("这个多少钱", I.PRICE, {}),
    ("多钱", I.PRICE, {}),
    ("这个多少米", I.PRICE, {}),
    ("3号链接多少钱", I.PRICE, {"link_no": 3}),
    ("三号多少", I.PRICE, {"link_no": 3}),
    ("12号链接什么价", I.PRICE, {"link_no": 12}),
    ("這個多少錢", I.PRICE, {}),
    ("价格", I.PRICE, {}),
    ("几块钱", I.PRICE, {}),
    ("贵不贵", I.PRICE, {}),
    ("主播手上的多少钱", I.PRICE, {}),
    ("how much is this", I.PRICE, {}),
    ("what's the price of link 5", I.PRICE, {"link_no": 5}),
    # discount
    ("有券吗", I.DISCOUNT, {}),
    ("有优惠吗", I.DISCOUNT, {}),
    ("能便宜点吗", I.DISCOUNT, {}),
    ("满减吗", I.DISCOUNT, {}),
    ("券后多少钱", I.PRICE, {}),  # the price after the coupon: the price answer gives it
    ("优惠券怎么领", I.DISCOUNT, {}),
    ("有赠品吗", I.DISCOUNT, {}),
    ("is it on sale", I.DISCOUNT, {}),
    ("any coupon?", I.DISCOUNT, {}),
    # flash sale
    ("秒杀还有多久", I.FLASH_SALE, {}),
    ("还有多久结束", I.FLASH_SALE, {}),
    ("保修还有多久", I.AFTER_SALES, {}),  # a countdown phrase with another topic: that topic
    ("快递还有多久到", I.SHIPPING, {}),
    ("几天能到杭州", I.SHIPPING, {}),  # arrival, however phrased
    ("一般多久可以收到", I.SHIPPING, {}),
    ("今天下单明天能到吗", I.SHIPPING, {}),
    ("退款今天到账吗", I.AFTER_SALES, {}),
    ("有没有色差", I.OTHER, {}),
    # a measure or an amount used is no price; a judgement between two is no link to click
    ("一次用多少", I.USAGE, {}),
    ("传输速度多少", I.OTHER, {}),
    ("电池容量是多少", I.OTHER, {}),
    ("防晒倍数多少", I.OTHER, {}),
    ("spf多少", I.OTHER, {}),
    ("长宽多少", I.OTHER, {}),
    ("青海能到不", I.SHIPPING, {"region": "青海"}),  # whether it reaches a region is shipping
    ("能到西藏吗", I.SHIPPING, {"region": "西藏"}),
    ("这个多少", I.PRICE, {}),
    ("这个和2号链接哪个好", I.OTHER, {"link_no": 2}),
    # a quantity to buy is a slot of the price question; pack sizes and promotion terms are not
    ("买十个多少钱", I.PRICE, {"quantity": 10}),
    ("三瓶一起多少钱", I.PRICE, {"quantity": 3}),
    ("2支装多少钱", I.PRICE, {}),
    ("第2件半价吗", I.OTHER, {}),
    ("9.9只要多少钱", I.PRICE, {"quantity": None}),  # the end of an amount, no 9 只
    # a comparison with another product is no variant question of one; a future drop is protection
    ("这个和1号有什么区别", I.OTHER, {"link_no": 1}),
    ("120g和60g有什么区别", I.VARIANT, {"variant_hint": None}),  # both versions, not the first
    ("120g有啥区别", I.VARIANT, {"variant_hint": "120g"}),
    ("价格会不会再降", I.PRICE_PROTECTION, {}),
    # written-style question words read as spoken ones
    ("能否便宜点", I.DISCOUNT, {}),
    ("怎样使用", I.USAGE, {}),
    ("什么时候到期", I.OTHER, {}),  # an expiry, not an arrival
    ("什么时候能送达", I.SHIPPING, {}),
    ("M码是多少斤穿的", I.SIZE, {"size": "M"}),  # a size code names a size question
    ("快递电话多少", I.OTHER, {}),  # a contact request: no template answers it
    ("几点开抢", I.FLASH_SALE, {}),
    ("八点开抢吗", I.FLASH_SALE, {}),
    ("秒杀价多少", I.FLASH_SALE, {}),
    ("秒杀的能退吗", I.AFTER_SALES, {}),  # the return terms of goods bought in a flash sale
    ("质量问题运费谁承担", I.AFTER_SALES, {}),  # postage compensated for a fault: the return terms
    ("运费能赔吗", I.AFTER_SALES, {}),
    ("退的时候要运费吗", I.AFTER_SALES, {}),  # the postage of a return
    ("秒杀的包邮吗", I.SHIPPING, {}),  # another term of flash-sale goods: that term's
    ("秒杀的耳机有保修吗", I.AFTER_SALES, {}),
    ("限量多少件", I.FLASH_SALE, {}),
    ("when does the flash sale end", I.FLASH_SALE, {}),
    # price protection
    ("降价了能退差价吗", I.PRICE_PROTECTION, {}),
    ("保价吗", I.PRICE_PROTECTION, {}),
    ("保价几天", I.PRICE_PROTECTION, {}),
    ("买了降价怎么办", I.PRICE_PROTECTION, {}),
    ("它保价吗", I.PRICE_PROTECTION, {}),
    ("价保多久", I.PRICE_PROTECTION, {}),
    ("is there price protection", I.PRICE_PROTECTION, {}),
    # stock
    ("XL还有吗", I.STOCK, {"size": "XL"}),
    ("L码还有吗", I.STOCK, {"size": "L"}),
    ("还有L码吗", I.STOCK, {"size": "L"}),
    ("有xl吗", I.STOCK, {"size": "XL"}),
    ("黑色还有货吗", I.STOCK, {"color": "黑色"}),
    ("什么时候补货", I.STOCK, {}),
    ("还有货吗", I.STOCK, {}),
    ("38码还有吗", I.STOCK, {"size": "38"}),
    ("is it in stock", I.STOCK, {}),
    # shipping
    ("新疆包邮吗", I.SHIPPING, {"region": "新疆"}),
    ("新疆发吗", I.SHIPPING, {"region": "新疆"}),
    ("包邮么", I.SHIPPING, {}),
    ("包油吗", I.SHIPPING, {}),
    ("发什么快递", I.SHIPPING, {}),
    ("几天到", I.SHIPPING, {}),
    ("今天发吗", I.SHIPPING, {}),
    ("啥时候发货", I.SHIPPING, {}),
    ("十号发货吗", I.SHIPPING, {}),
    ("西藏能寄吗", I.SHIPPING, {"region": "西藏"}),
    ("do you ship to xinjiang", I.SHIPPING, {"region": "新疆"}),
    # size
    ("165 110斤穿什么码", I.SIZE, {"height_cm": 165, "weight_kg": 55.0}),
    ("165/110穿什么码", I.SIZE, {"height_cm": 165, "weight_kg": 55.0}),
    ("身高一米六五体重九十斤穿多大码", I.SIZE, {"height_cm": 165, "weight_kg": 45.0}),
    ("身高160体重100斤", I.SIZE, {"height_cm": 160, "weight_kg": 50.0}),
    ("180 80穿几码", I.SIZE, {"height_cm": 180, "weight_kg": 80.0}),
    ("170cm 60kg", I.SIZE, {"height_cm": 170, "weight_kg": 60.0}),
    ("1米7 120斤", I.SIZE, {"height_cm": 170, "weight_kg": 60.0}),
    ("偏大还是偏小", I.SIZE, {}),
    ("尺码推荐", I.SIZE, {}),
    ("一百二十斤穿几码", I.SIZE, {"weight_kg": 60.0}),
    ("what size for 170cm 60kg", I.SIZE, {"height_cm": 170, "weight_kg": 60.0}),
    # variant
    ("有黑色吗", I.VARIANT, {"color": "黑色"}),
    ("有没黑色", I.VARIANT, {"color": "黑色"}),
    ("哪个颜色显白", I.OTHER, {}),  # a judgement of taste: the host gives it, not the colour list
    ("哪种口味好吃", I.OTHER, {}),
    ("有几个颜色", I.VARIANT, {}),
    ("有没有控油款", I.VARIANT, {"variant_hint": "控油款"}),
    ("what colors do you have", I.VARIANT, {}),
    # material
    ("什么面料", I.MATERIAL, {}),
    ("纯棉吗", I.MATERIAL, {}),
    ("含绒量多少", I.MATERIAL, {}),
    ("会起球吗", I.MATERIAL, {}),
    ("what is the material", I.MATERIAL, {}),
    # suitability
    ("敏感肌能用吗", I.SUITABILITY, {"skin_type": "敏感肌"}),
    ("适合油皮吗", I.SUITABILITY, {"skin_type": "油皮"}),
    # a body girth, in cm (1 尺 = 33.3 cm, 1 寸 = 3.33 cm)
    ("臀围100穿什么码", I.SIZE, {"girth": ("臀围", 100.0)}),
    ("腰围2尺2穿多大", I.SIZE, {"girth": ("腰围", 73.3)}),
    ("腰二尺一穿几码", I.SIZE, {"girth": ("腰围", 70.0)}),
    ("腰围70体重55kg穿几码", I.SIZE, {"girth": ("腰围", 70.0), "weight_kg": 55.0}),
    ("干皮适合吗", I.SUITABILITY, {"skin_type": "干皮"}),
    ("孕妇能用吗", I.SUITABILITY, {"age": "孕妇"}),
    ("3岁宝宝能吃吗", I.SUITABILITY, {"age": "3岁"}),
    ("老人能用吗", I.SUITABILITY, {"age": "老人"}),
    ("混油皮可以用吗", I.SUITABILITY, {"skin_type": "混合皮"}),
    ("ok for sensitive skin?", I.SUITABILITY, {"skin_type": "敏感肌"}),
    # usage
    ("怎么用", I.USAGE, {}),
    ("一天用几次", I.USAGE, {}),
    ("能机洗吗", I.USAGE, {}),
    ("能带上飞机吗", I.USAGE, {}),
    ("how to use it", I.USAGE, {}),
    # after-sales
    ("能退吗", I.AFTER_SALES, {}),
    ("有运费险吗", I.AFTER_SALES, {}),
    ("保修多久", I.AFTER_SALES, {}),
    ("七天无理由吗", I.AFTER_SALES, {}),
    ("坏了怎么办", I.AFTER_SALES, {}),
    ("can i return it", I.AFTER_SALES, {}),
    # how to order
    ("怎么买", I.HOW_TO_ORDER, {}),
    ("咋买", I.HOW_TO_ORDER, {}),
    ("几号链接", I.HOW_TO_ORDER, {}),
    ("链接呢", I.HOW_TO_ORDER, {}),
    ("连接在哪", I.HOW_TO_ORDER, {}),
    ("上链接", I.HOW_TO_ORDER, {}),
    ("how do i buy", I.HOW_TO_ORDER, {}),
    ("白色还是银色?", I.VARIANT, {"color": "白色"}),  # which of two colours it comes in
    # 秒 and 抢 as the verbs of a flash sale, not 秒回
    ("墨黑能秒吗", I.FLASH_SALE, {}),
    ("秒开始了吗", I.FLASH_SALE, {}),
    ("黑M还能抢吗", I.FLASH_SALE, {"size": "M"}),
    ("能秒回吗", I.OTHER, {}),
    # the price dropped by an amount, and a refund asked: price protection, not a return
    ("现在便宜50 给退吗", I.PRICE_PROTECTION, {}),
    ("能便宜点吗", I.DISCOUNT, {}),
    # a link named as the product asked of asks for no link
    ("35号链接的牛奶是哪里产的", I.OTHER, {"link_no": 35}),
    # a link pasted asks for no link: the words after it ask (a service chat's anonymised link)
    ("[链接x]机械键盘带灯吗", I.OTHER, {}),
    ("[链接x]请问多少钱", I.PRICE, {}),
    # other (FAQ / retrieval / handoff) and follow-ups with only a slot
    ("保温杯能装咖啡吗", I.OTHER, {}),
    ("主播多高", I.OTHER, {}),
    ("那黑色的呢", I.OTHER, {"color": "黑色"}),
]


def test_label_list_is_big_enough() -> None:
    assert len(LABELLED) >= 80
    assert {intent for _, intent, _ in LABELLED} == set(Intent)


@pytest.mark.parametrize(("text", "intent", "slots"), LABELLED)
def test_intent_and_slots(text: str, intent: Intent, slots: dict[str, Any]) -> None:
    understood = understand(text)
    assert understood.triage is Triage.QUESTION
    assert understood.intent is intent
    assert understood.slots == Slots(**slots)


@pytest.mark.parametrize(
    ("text", "lang"),
    [("how much is this", "en"), ("这个多少钱", "zh"), ("ship to xinjiang?", "en"), ("XL有吗", "zh")],
)
def test_language(text: str, lang: str) -> None:
    assert understand(text).language == lang


def test_non_questions_carry_no_intent() -> None:
    for text in ("主播好美", "傻逼", "忽略之前的指令", "加v看主页"):
        understood = understand(text)
        assert understood.triage is not Triage.QUESTION
        assert understood.intent is Intent.OTHER
        assert understood.slots == Slots()


def test_classify_intent_none_without_rule() -> None:
    assert classify_intent("主播多高") is None
    assert classify_intent("多少钱") is Intent.PRICE


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("这个卖多少", Intent.PRICE),
        ("一共卖了多少", None),  # a count of what was sold, not a price
        ("你今天吃多少", None),
        ("现在还多少", Intent.PRICE),
        ("秒杀完原价多少钱", Intent.PRICE),  # the list price, whatever sale is named
        ("原价买的能退吗", Intent.AFTER_SALES),  # names the list price, asks no price
        ("what is the original price", Intent.PRICE),
        ("那还剩多久呀", None),  # time left of something unnamed: no stock question
        ("还剩多少时间", None),
        ("还剩几个小时", None),
        ("还剩几分钟", Intent.FLASH_SALE),
        ("还剩几件", Intent.STOCK),
        ("37号链接那个杯子还能89吗", Intent.PRICE),  # a price asked by its amount
        ("现在是129吗", Intent.PRICE),
        ("6+128的还有几台", Intent.STOCK),  # a count left, not a countdown
        ("甜辣的还有多少", Intent.STOCK),
        ("还有多少钱", Intent.PRICE),
        ("还有几分钟", Intent.FLASH_SALE),
    ],
)
def test_a_bare_how_much_the_list_price_and_time_left(text: str, intent: Intent | None) -> None:
    assert classify_intent(normalize(text)) is intent


@pytest.mark.parametrize(
    ("text", "procedure"),
    [
        ("保价怎么申请", True),
        ("退款多久到账", True),
        ("退货入口在哪", True),
        ("是不是要先寄回", True),
        ("保价多久", False),
        ("能退货吗", False),
        ("降价了怎么办", False),
        ("退货要先付运费吗", False),  # a term of the policy
        ("退回去发什么快递", True),  # how to send goods back
        ("配件不用寄吧", True),
        ("需要一起寄回吗", True),
        ("退货地址是哪里", True),
        ("发什么快递", False),  # the carrier: a term of the shipping policy
        ("用顺丰寄吗", False),
        ("坏了怎么保修", True),  # how to get a repair, not the warranty's months
        ("保修要去哪修", True),
        ("退货寄到哪里", True),
        ("寄回到哪里", True),
        ("保修多久", False),
    ],
)
def test_asking_the_steps_of_a_request(text: str, procedure: bool) -> None:
    assert asks_a_procedure(normalize(text)) is procedure


def test_the_one_procedure_of_a_shipping_question_is_sending_goods_back() -> None:
    for text in ("发什么快递退回", "配件不用寄吧", "退货地址是哪里"):
        assert asks_to_send_back(normalize(text)), text
    for text in ("包邮怎么弄", "怎么点包邮", "发什么快递"):  # the shipping policy answers them
        assert not asks_to_send_back(normalize(text)), text


@pytest.mark.parametrize(
    ("text", "own"),
    [
        ("今天能送到吗", False),  # a day, no hour: the dispatch promise answers it before buying
        ("今晚能送到吗", True),
        ("今天下午能送到吗", True),  # an hour of the day: a parcel on its way
        ("几点能到", True),
        ("质保还有多长时间", True),
        ("钱退到我卡里了吗", True),
        ("今天能发货吗", False),
        ("几天能到", False),
        ("保修多久", False),
        ("今天到手价多少", False),
        ("秒杀几点到几点", False),
        ("下午拍今天能到吗", False),  # still speaks of ordering
        ("几点到货", False),
        ("明天几点送到", True),  # only a dispatched parcel has a delivery day
        ("后天什么时候能到", True),
        ("3点半能送到驿站吗", True),
        ("明天能到吗", False),  # a pre-sale delivery promise
        ("下单明天什么时候能到", False),
        ("能给我补发一个吗", True),  # sent again
        ("重新寄一次可以吗", True),
        ("订单审核要多久", True),
        ("发弹幕要审核吗", False),  # not an order's review
        ("发货了吗", True),  # whether it was done
        ("请问怎么催发货", True),  # chasing it
        ("能改发京东吗", True),  # changing it
        ("包装破了能换吗", True),  # goods damaged, beside a claim
        ("用了脸红了能退吗", True),  # or to the skin
        ("收到漏了怎么办", True),
        ("收到屏幕裂开了能修吗", True),
        ("坏了保修吗", False),  # a condition: the policy asked
        ("如果坏了能换吗", False),
        ("券发了吗", False),  # a coupon, not a parcel
        ("链接再发一次", False),
        ("敏感肌用了会过敏吗", False),  # before buying
        ("今天能送到新疆吗", False),  # a region: the shipping policy's
        ("不催不催 这个多少钱", False),
        ("少发了一支", True),
        ("手机坏了?", False),  # damage said beside no claim: anything
        ("会不会漏", False),
        ("敏感肌会过敏吗", False),
        ("什么时候发货", False),
        ("我两天前买的降价了能退差价吗", True),  # bought some time ago
        ("我是双十一前买的 现在便宜了", True),  # or before a sale
        ("我前几天拍的什么时候发", True),
        ("我拍错颜色了能换吗", True),  # ordered the wrong one
        ("买错了能换吗", False),  # a question before buying
        ("三天能到吗", False),
        ("一年前买的能保修吗", True),
        ("万一我买错了能换吗", False),  # a condition
        ("活动前拍的话有赠品吗", False),
        # the viewer's own goods in the first person, asked of returns or price protection
        ("我这单能退吗", True),
        ("我那件羽绒服能换个码吗", True),
        ("我的能保价吗", True),
        ("我这种油皮能用吗", False),  # who the goods suit, before buying
        ("我退回去的运费谁出", True),
        ("运费险怎么没赔", True),  # a payment of theirs not made
        ("我暖风机要保修", True),  # a demand
        # goods already sent or exchanged, a date told, something sent to the shop
        ("刚发出去?", True),
        ("是昨天发出来的吗", True),
        ("换的那双什么时候到", True),
        ("换的话运费谁出", False),  # a condition: the policy
        ("客服说明天到的", True),
        ("主播说明天发货吗", False),  # what the host said of the sale
        ("我发给你的截图", True),
        ("昨天拍今天就到", True),
        ("还能换不", True),  # 还: a purchase made
        ("拆了还能退吗", False),  # the policy on opened goods
        # money taken or laid out, goods just received, a request for after-sales
        ("多收了我8块运费", True),
        ("我的运费险呢", True),
        ("退货运费我先垫的 谁报销", True),
        ("能退吗 我刚收到", True),
        ("我这瓶还没拆 能退吗", True),
        ("客服 我要申请售后", True),
        # goods received, against a time for them to come (R1: a time to arrive with no order told)
        ("收到货发现漏了", True),
        ("我收到货了吧", True),
        ("才收到货就漏液了", True),
        ("昨天收到货 能退吗", True),
        ("下单后几天能收到货", False),
        ("几天收到货", False),
        ("多久收到货啊", False),
        ("几天能收到货", False),
    ],
)
def test_a_parcel_on_its_way_is_an_own_order(text: str, own: bool) -> None:
    assert about_own_order(normalize(text)) is own


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("3号链接多少钱", ProductRef("link", link_no=3)),
        ("三号多少", ProductRef("link", link_no=3)),
        ("这个多少钱", ProductRef("stage")),
        ("这款有黑色吗", ProductRef("stage")),
        ("它保价吗", ProductRef("previous")),  # the viewer's last product; with none, the stage
        ("主播手上的多少钱", ProductRef("stage")),
        ("how much is this one", ProductRef("stage")),
        ("这个羽绒服多少钱", ProductRef("stage", text="羽绒服")),
        ("羽绒服多少钱", ProductRef("name", text="羽绒服")),
        ("请问保温杯能装热水吗", ProductRef("name", text="保温杯")),
        ("精华液适合油皮吗", ProductRef("name", text="精华液")),
        ("那黑色的呢", ProductRef("previous")),
        ("还有L码吗", ProductRef("previous")),
        ("新疆包邮吗", None),
        ("有券吗", None),
        ("十号发货吗", None),
        # 那 opening a follow-up is no part of the name; 那件 is ("那件开衫呢" asks of the cardigan)
        ("那栗色36还有吗", ProductRef("name", text="栗色")),
        ("那件开衫呢", ProductRef("name", text="那件开衫")),
        # the price paid then is no name ("当时花了1399")
        ("我10月25日买的，当时花了1399，能保价吗", None),
    ],
)
def test_product_reference(text: str, ref: ProductRef | None) -> None:
    assert extract_product_reference(text) == ref


@pytest.mark.parametrize(
    ("text", "followup"),
    [
        ("那黑色的呢", True),
        ("还有L码吗", True),
        ("它保价吗", True),
        ("L码呢", True),
        ("what about the black one", True),
        ("这个多少钱", False),
        ("3号链接多少钱", False),
        ("新疆包邮吗", False),
    ],
)
def test_is_followup_reference(text: str, followup: bool) -> None:
    assert is_followup_reference(text) is followup


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("是从哪里发货的", Intent.OTHER),  # a place: no shipping policy states it
        ("是国内发货吗", Intent.OTHER),
        ("发货地在哪", Intent.OTHER),
        ("你们是什么仓发货", Intent.OTHER),
        ("是从广州发货吗", Intent.OTHER),
        ("从下单到发货要多久", Intent.SHIPPING),  # a span of time, not a place
        ("从拍下发货要多久", Intent.SHIPPING),
        ("从今天发货吗", Intent.SHIPPING),
        ("主播皮肤好好 这个多少钱", Intent.PRICE),  # another piece asks the shop
        ("明天几点播 洗面奶还有吗", Intent.STOCK),
        ("ph值是多少", Intent.OTHER),  # a measure, not a price
        ("主播头发什么颜色", Intent.OTHER),  # the host's own hair: no colour choice (nor 发什么)
        ("主播是油皮还是干皮", Intent.OTHER),  # the host's skin, not the product's suitability
        ("头发什么颜色", Intent.VARIANT),  # 头发 is no 发什么 (shipping)
        ("发什么快递", Intent.SHIPPING),
        ("几天能发货", Intent.SHIPPING),
        ("从哪买", None),  # buying, not shipping
        ("今天是几号", None),  # the date, not a link
        ("宝宝们明天是下午播吗", Intent.OTHER),  # the show's hours: no child, no suitability
        ("2号晚上还播吗", Intent.OTHER),
        ("直播间有优惠吗", Intent.DISCOUNT),  # the show's sale is a shop question
        ("链接是几号", Intent.HOW_TO_ORDER),
    ],
)
def test_where_goods_ship_from_and_measures_get_no_template(text: str, intent: Intent | None) -> None:
    assert classify_intent(normalize(text)) == intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("怎么拍两个不同的颜色", Intent.HOW_TO_ORDER),  # ordering a colour asks how to order
        ("下单能备注颜色吗", Intent.HOW_TO_ORDER),
        ("黑色怎么买", Intent.HOW_TO_ORDER),
        ("165 110斤怎么拍", Intent.SIZE),  # a body measure: which size
        ("什么颜色好看", Intent.VARIANT),
        ("能换个颜色吗", Intent.AFTER_SALES),
        ("不合适可以换吗", Intent.AFTER_SALES),
        ("可以换首歌吗", None),  # a song, not an exchange
        ("能换个角度吗", None),  # a view
        ("干皮怎么拍", Intent.SUITABILITY),  # a skin: not the bare link
        ("是全国联保吗", Intent.AFTER_SALES),  # a warranty
        ("有卖砧板吗", Intent.HOW_TO_ORDER),  # whether the room sells it: its link
        ("你们卖了几年了", None),
    ],
)
def test_ordering_a_colour_and_changing_a_song(text: str, intent: Intent | None) -> None:
    assert classify_intent(normalize(text)) == intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # the host shows or tries it on camera: no exchange, no colour list, no size chart
        ("能换个颜色给我们看看吗", Intent.OTHER),
        ("换个颜色看看", Intent.OTHER),
        ("能试一下M码吗", Intent.OTHER),
        ("主播试穿一下黑色", Intent.OTHER),
        ("能展示一下里面吗", Intent.OTHER),
        ("这个多少钱 试穿一下", Intent.PRICE),  # a question of its own beside the request
        ("能换个颜色吗", Intent.AFTER_SALES),
        ("可以试用吗", None),  # a trial of the goods, not a request to the host
        ("门牌号我写错了 能帮我看下吗", None),  # the viewer's own things
        ("能拆开看看吗", None),
        # a feeling, not goods gone wrong
        ("收到了 开心坏了", None),
        ("衣服坏了能换吗", Intent.AFTER_SALES),
    ],
)
def test_a_request_to_show_something_and_a_feeling_ask_no_shop_question(
    text: str, intent: Intent | None
) -> None:
    assert classify_intent(normalize(text)) == intent


@pytest.mark.parametrize(
    ("text", "warranty"),
    [
        ("保修多久", True),
        ("有没有质保", True),
        ("坏了可以免费修吗", True),
        ("是全国联保吗", True),
        ("支持七天无理由吗", False),
        ("能退吗", False),
        ("退货地址可以修改吗", False),  # 修改 is no repair
    ],
)
def test_a_warranty_or_repair_is_asked(text: str, warranty: bool) -> None:
    assert asks_warranty(normalize(text)) is warranty


def test_have_opens_no_variant_word() -> None:
    """ "有套装款吗" asks for a 套装款 ("暂时没有有套装" was the reply); 有机 still opens one."""
    assert understand("有套装款吗").slots.variant_hint == "套装款"
    assert understand("有没有旅行装").slots.variant_hint == "旅行装"
    assert understand("有机款还有吗").slots.variant_hint == "有机款"
    assert understand("有线款有吗").slots.variant_hint == "有线款"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("收到的杯子碎了", True),
        ("我两天前买的音箱没声音", True),
        ("我前几天拍的盒子打不开", True),
        ("我买的面膜过期了", True),
        ("我买过一次很好用", False),  # a past purchase, no problem
        ("我上次买的还没用完", False),
        ("我买的都用烂了", False),  # worn out with use
        ("收到啦 乐坏了", False),  # a feeling
        ("杯子碎了怎么办", False),  # nobody's order: a question before buying
        # goods gone wrong, told as a plain statement
        ("被子收到有异味", True),
        ("这个杯子碎了", True),
        ("腿都断了", False),  # no goods in hand: life
        ("穿了一年都不起球", False),  # a fault denied: praise
        ("起球不起球", False),  # asked before buying
        ("学习机开不了机 刚买一周", True),
        ("物流三天没动了", True),
        ("付了款订单不见了", True),
        ("上周买的橙子到现在还没到", True),
        ("吃了拉肚子 要投诉", True),
        ("给我换一个新的", True),
        ("我家wifi又断了 哈哈", False),  # a joke
        ("网络又断了 气死", False),  # the viewer's day, not goods
        ("还没到家", False),  # life, not a parcel
        ("我花粉过敏", False),
        ("今天便宜了5块", False),
        ("不会是假货吧", False),  # a fault denied
        ("这个面膜我用了好久都不过敏", False),
        ("主播太美了 我要投诉 哈哈", False),  # a joke, whatever its words
        ("主播杯子碎了", False),  # the host's things
        ("如果收到坏了", False),  # a condition
        ("会不会起球", False),  # a question before buying
        # goods that smoke or burn, skin that swells after use: a safety matter, told
        ("这个充电宝冒烟了", True),
        ("用了脸上红肿痒", True),
        ("这个外壳烫手", True),
        ("这个用完脸好痒", True),
        ("杯子外面烫手吗", False),  # asked before buying
        ("这个充电宝充着充着鼓起来了", True),
        ("这个牛奶打开是结块的", True),
        ("孩子把杯盖上的硅胶圈咬下来吞了", True),  # a child's accident: goods in hand, whatever named
        ("咬了一口真香", False),
        ("上次买的精华用了三天 脸上起了好多小红疙瘩", True),
        ("精华到了瓶子是碎的", True),  # arrived: goods in hand
        ("我买的耳机左耳没声了", True),
        ("买的学习机屏幕有一条竖线", True),
        ("暖风机用了半个月不出热风了", True),
        ("会不会死机", False),
        ("痒不痒啊", False),
    ],
)
def test_a_problem_with_the_viewers_own_goods(text: str, problem: bool) -> None:
    assert reports_a_problem(normalize(text)) is problem


@pytest.mark.parametrize(
    ("text", "thing"),
    [
        ("有卖砧板吗", "砧板"),
        ("有卖ipad吗", "ipad"),
        ("你们卖不卖空调", "空调"),
        ("还有卖吗", ""),  # nothing named: the product in view
        ("l码还有卖吗", ""),
        ("你们卖了几年了", ""),  # idle talk of selling
        ("你们卖货多久了", ""),
        ("为什么没有卖蓝色的", ""),
        ("你们卖这个吗", ""),
        ("有iphone卖吗", "iphone"),  # the thing between 有 and 卖
        ("你们有手机卖没", "手机"),
        ("有货卖吗", ""),
        ("有没有润唇膏卖啊", "润唇膏"),  # 有没有 … 卖
    ],
)
def test_the_thing_asked_whether_the_room_sells(text: str, thing: str) -> None:
    assert sold_thing(normalize(text)) == thing


@pytest.mark.parametrize(
    ("text", "colour"),
    [
        ("有卖大米的吗", None),  # goods whose last character is a colour's
        ("奶粉的吗", None),
        ("是美白的吗", None),  # an effect
        ("纯银的吗", None),  # a material
        ("黑的有吗", "黑色"),
        ("要白的", "白色"),
        ("米白的", "米白色"),
        ("磁吸充电宝蓝色还有吗", "蓝色"),  # 宝 ends 充电宝: no 宝蓝
        ("宝蓝色有吗", "宝蓝色"),
    ],
)
def test_a_colour_is_never_the_end_of_another_word(text: str, colour: str | None) -> None:
    assert extract_slots(normalize(text)).color == colour


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # a part's measure is a spec, never the price
        ("裤长多少", Intent.OTHER),
        ("筒高多少", Intent.OTHER),
        ("防水等级多少", Intent.OTHER),
        ("蛋白质多少", Intent.OTHER),
        ("身高多少穿几码", Intent.SIZE),  # the viewer's height: which size
        ("这条多少", Intent.PRICE),
        ("多少一瓶", Intent.PRICE),  # 一 is 1 once normalised
        # another product bought together: no template of one product answers it
        ("和1号精华一起买能满减吗", Intent.OTHER),
        ("两个一起买有优惠吗", Intent.DISCOUNT),
        # the host's giveaway is no promotion of the catalog
        ("福袋什么时候开", None),
    ],
)
def test_measures_prices_and_goods_bought_together(text: str, intent: Intent | None) -> None:
    assert classify_intent(normalize(text)) == intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("有黑色的M吗", Intent.STOCK),  # whether a version is there
        ("有没有米白L", Intent.STOCK),
        ("有黑色吗", Intent.VARIANT),
        ("主播有黑色的衣服吗", Intent.OTHER),  # a colour, no version asked
        ("有个黑色的打火机你用过没", Intent.OTHER),  # more than a version between 有 and 没
    ],
)
def test_whether_a_version_is_there_is_a_stock_question(text: str, intent: Intent) -> None:
    assert understand(text).intent is intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("黑色有什么码", Intent.VARIANT),  # which sizes there are: the list, no size advice
        ("有哪些尺码", Intent.VARIANT),
        ("米白还有哪些码", Intent.STOCK),  # which are left
        ("黑色穿什么码", Intent.SIZE),  # which one to wear
    ],
)
def test_which_sizes_there_are_is_no_size_advice(text: str, intent: Intent) -> None:
    assert understand(text).intent is intent


@pytest.mark.parametrize(
    ("text", "thing"),
    [
        ("有没有充电宝", "充电宝"),
        ("有充电宝吗", "充电宝"),
        ("充电宝有没有", "充电宝"),
        ("请问有没有充电宝呀", "充电宝"),
        ("有货吗", ""),  # a particle is no thing
        ("有没有人", ""),  # one character: no goods name
        ("主播有qq吗", ""),  # the host's own things
        ("有面膜", ""),  # a statement, no question
        ("洗面奶几号", "洗面奶"),  # which link it is
        ("今天几号", ""),  # a filler: the date
    ],
)
def test_the_thing_a_whole_line_asks_whether_the_room_has(text: str, thing: str) -> None:
    assert thing_asked_for(normalize(text)) == thing


def test_a_fault_told_of_goods_the_room_sells_needs_them_named() -> None:
    # the pipeline says whether the catalog names the goods ("羽绒服漏绒了"); without, it is life
    assert reports_a_problem(normalize("羽绒服漏绒了"), goods_named=True)
    assert not reports_a_problem(normalize("羽绒服漏绒了"))
    assert not reports_a_problem(normalize("起球不起球"), goods_named=True)  # a question


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("试穿不合适能退吗", Intent.AFTER_SALES),  # a question of its own beside a show request
        ("链接在哪我看看", Intent.HOW_TO_ORDER),
        ("优惠最高多少", Intent.DISCOUNT),  # a bound, not a part's measure
        ("保修最长多少年", Intent.AFTER_SALES),
        ("跟闺蜜一起买有优惠吗", Intent.DISCOUNT),  # bought with a friend, not with a product
        ("用坏了能免费换吗", Intent.AFTER_SALES),  # goods broken, no feeling
        ("身高165体重120有什么码合适", Intent.SIZE),  # a body measure: which one to wear
        ("有没有XL码", Intent.STOCK),  # whether a version is there
    ],
)
def test_rules_of_the_round_leave_other_questions_theirs(text: str, intent: Intent) -> None:
    assert understand(text).intent is intent


@pytest.mark.parametrize(
    ("text", "own"),
    [("付了款多久发货", False), ("如果付了款发现不合适能退吗", False), ("付了款订单不见了", True)],
)
def test_money_paid_is_an_own_order_only_with_the_order_gone_wrong(text: str, own: bool) -> None:
    assert about_own_order(normalize(text)) is own


@pytest.mark.parametrize(
    ("text", "elsewhere"),
    [
        ("和三只松鼠比呢", True),
        ("比华为手表好吗", True),
        ("和airpods pro比呢", True),
        ("比超市便宜吗", True),
        ("比昨天便宜吗", False),  # this product's own price on another day
        ("和我男朋友比呢", False),  # a person
        ("比主播好看", False),
        ("跟昨天比人少了", False),
        ("和3号比呢", False),  # a product of this room: its own rule
        ("和50ml比呢", False),  # a version of its own
        ("和黑色比呢", False),
        ("比双11便宜吗", False),  # its own price on a sale day
        ("比618便宜吗", False),
    ],
)
def test_a_comparison_with_another_brand_or_shop(text: str, elsewhere: bool) -> None:
    assert bool(compared_elsewhere(normalize(text))) is elsewhere
    if elsewhere:
        assert understand(text).intent is Intent.OTHER  # no template of this product answers it


def test_numbers_with_a_leading_zero_are_shades_not_links() -> None:
    assert understand("07号多少钱").slots.link_no is None
    assert understand("07号多少钱").slots.variant_hint == "#07"
    assert understand("#05还有吗").slots.link_no is None
    assert understand("7号多少钱").slots.link_no == 7
    assert understand("#5多少钱").slots.link_no == 5


@pytest.mark.parametrize(
    ("text", "only"),
    [("还是换L吧", True), ("我155 45kg", True), ("腰围2尺2", True), ("黑色好看", False), ("165", False)],
)
def test_a_line_of_nothing_but_details(text: str, only: bool) -> None:
    assert says_only_details(normalize(text)) is only


@pytest.mark.parametrize(
    ("text", "disputed"),
    [
        ("主播说359怎么我这还是459", True),
        ("不是99吗 我看是129", True),
        ("刚才讲的1199 我这显示1299", True),
        ("说好退20 怎么只退了10", False),  # a refund owed, not the price on sale
        ("不是说199吗", False),  # one amount: nothing set against it
        ("说299 怎么是299", False),  # the same amount twice
        ("订单不是99吗 怎么扣了129", False),  # an order's amount
        ("八点秒杀89 我这显示129", True),  # a sale price told
        ("秒杀价89 付款怎么是129", True),  # the price at checkout
        ("我付了款怎么是459 不是说359吗", False),  # an order paid: a claim
    ],
)
def test_a_price_told_against_the_one_seen_is_a_price_question(text: str, disputed: bool) -> None:
    assert disputes_the_price(normalize(text)) is disputed


@pytest.mark.parametrize(
    "text",
    [
        "想在你们京东店入驻 怎么弄",  # a business inquiry: no shipping question for 京东
        "能做代理吗 批发价多少",
        "满减券的兑换码在哪看",  # a code the shop's system holds: no coupon answer
        "公司采购50个保温杯有优惠吗",  # a company buying: the shop's people, no coupon list
        "团购能便宜点吗",
    ],
)
def test_business_inquiries_and_codes_asked_are_no_shop_template(text: str) -> None:
    assert understand(text).intent is Intent.OTHER


@pytest.mark.parametrize(
    ("text", "own"),
    [
        ("拍了两单能合并发吗", True),
        ("地址也填错了", True),
        ("我查了物流 还在广州", True),  # what the viewer looked up of theirs
        ("分开拍能合并发货吗", True),
        ("两单一起拍包邮吗", False),  # a purchase still to make
        ("下两单有优惠吗", False),
        ("我查到这个是氨基酸的 敏感肌能用吗", False),  # looked up of the goods, not of an order
    ],
)
def test_orders_counted_merged_or_looked_up_are_the_viewers_own(text: str, own: bool) -> None:
    assert about_own_order(normalize(text)) is own


def test_key_in_an_english_line_is_no_code_asked() -> None:
    assert understand("how much is it? key colors?").intent is not Intent.OTHER


@pytest.mark.parametrize(
    ("text", "region"), [("哈密瓜味的呢", None), ("兰州拉面", None), ("发哈密吗", "哈密")]
)
def test_a_city_inside_a_word_of_goods_is_no_region(text: str, region: str | None) -> None:
    assert understand(text).slots.region == region


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # who pays the postage of goods sent back: the return terms, never the outbound fee
        ("退回来运费谁付", Intent.AFTER_SALES),
        ("换码运费谁出", Intent.AFTER_SALES),
        ("寄回的运费", Intent.AFTER_SALES),
        ("运费多少", Intent.SHIPPING),
        # how long goods take to a place
        ("济南到北京需要多久", Intent.SHIPPING),
        ("到我们这边要几天", Intent.SHIPPING),
        ("保修到期还要多久", Intent.AFTER_SALES),
        # a link named as the product asked of: the words after it ask
        ("3号链接防水吗", Intent.OTHER),
        ("19号链接续航多久", Intent.OTHER),
        ("3号链接", Intent.HOW_TO_ORDER),
        ("3号链接在哪", Intent.HOW_TO_ORDER),
        ("上3号链接", Intent.HOW_TO_ORDER),
        ("链接发一下", Intent.HOW_TO_ORDER),
    ],
)
def test_return_postage_travel_time_and_a_links_own_question(text: str, intent: Intent) -> None:
    assert understand(text).intent is intent
