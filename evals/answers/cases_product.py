"""Eval cases about the product itself: stock, shipping, size, variants, material, suitability,
usage, after-sales, how to order, and curated FAQ questions.

Expected texts are words of the catalog (a spec, an attribute value, the FAQ answer) or of its
policies, so a grounded answer contains them whatever template writes it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from evals.answers.casegen import CAT, amount, ask, expect, link, product, sku

Case = dict[str, Any]
IN_STOCK = "有货|有库存|还有|现货|in stock|available"
SOLD_OUT = "售罄|没货|无货|缺货|卖完|暂无|没有库存|sold out|out of stock"


def _size_req(size: str) -> str:
    return f"{size}码|建议{size}|选{size}|穿{size}|suggest {size}|recommend {size}"


def stock_cases() -> list[Case]:
    """Stock of named SKUs, in stock and sold out (the answer must say which)."""
    rows = (
        ("FS01", "L码还有吗", ("黑色", "L"), True),
        ("SM01", "曜石黑还有吗", ("曜石黑",), False),
        ("MZ01", "75ml还有吗", ("75ml",), False),
        ("MZ01", "50ml有货吗", ("50ml",), True),
        ("SM01", "冰川蓝有货吗", ("冰川蓝",), True),
        ("FS02", "黑色L还有吗", ("黑色", "L"), False),
        ("FS02", "白色S有吗", ("白色", "S"), True),
        ("HJ01", "墨黑还有吗", ("墨黑",), False),
        ("HJ01", "奶白有货吗", ("奶白",), True),
        ("MZ05", "奶茶棕还有吗", ("奶茶棕",), False),
        ("FS08", "栗色38码有吗", ("栗色", "38"), False),
        ("SM02", "带线版有货吗", ("带线版",), False),
        ("MZ04", "保湿款400ml还有吗", ("保湿款", "400ml"), True),
        ("FS09", "驼色XL有吗", ("驼色", "XL"), False),
        ("FS09", "黑色XL有吗", ("黑色", "XL"), True),
        ("SM09", "远峰蓝有木有", ("远峰蓝",), False),
        ("HJ06", "面包款还有吗", ("面包款",), True),
    )
    out = []
    for pid, text, spec, available in rows:
        sku(pid, *spec)  # the SKU exists (raises otherwise)
        req = [IN_STOCK if available else SOLD_OUT]
        tags = ["stock", "in_stock" if available else "sold_out"]
        out.append(ask(f"stock-{pid}-{'-'.join(spec)}", tags, text, expect(pid, "stock", req), stage=pid))
    out += [
        ask("stock-HJ02-any", ["stock"], "还有货吗", expect("HJ02", "stock", [IN_STOCK]), stage="HJ02"),
        ask(
            "stock-FS01-XL",
            ["stock", "sold_out"],
            "XL码有吗",
            expect("FS01", "stock", [SOLD_OUT]),
            stage="FS01",
        ),
        ask(
            "stock-SM01-en",
            ["stock", "english", "sold_out"],
            "Is the black one in stock?",
            expect("SM01", "stock", [SOLD_OUT]),
            stage="SM01",
        ),
    ]
    return out


def shipping_cases() -> list[Case]:
    """Carrier, dispatch time, free shipping and excluded regions, per shipping policy."""
    rows = (
        ("MZ01", "发什么快递", ["顺丰"]),
        ("MZ05", "发什么快递", ["中通"]),
        ("SM01", "发什么快递", ["京东"]),
        ("FS09", "什么时候发货", ["12月5日"]),
        ("MZ01", "几天发货", ["24"]),
        ("MZ05", "多久发货", ["48"]),
        ("SM03", "多久能发", ["24"]),
        ("MZ03", "包邮吗", ["包邮"]),
        ("SP05", "包邮吗", [amount(product_threshold("SP05"))]),
        ("HJ03", "包不包邮", [amount(product_threshold("HJ03"))]),
        ("FS01", "新疆发吗", ["新疆"]),
        ("SP01", "新疆包邮吗", ["新疆"]),
        ("SM01", "西藏能发吗", ["西藏"]),
        ("HJ01", "今天发吗", ["24"]),
        ("SP02", "運費多少", [amount(product_fee("SP02"))]),
        ("SP05", "发顺丰吗", ["中通"]),
        ("FS09", "大衣现货吗 啥时候发", ["12月5日"]),
    )
    out = [
        ask(
            f"ship-{pid}-{i}",
            ["shipping", "traditional" if "運" in text else "plain"],
            text,
            expect(pid, "shipping", req),
            stage=pid,
        )
        for i, (pid, text, req) in enumerate(rows)
    ]
    out.append(
        ask(
            "ship-FS01-en",
            ["shipping", "english"],
            "Do you ship to Xinjiang?",
            expect("FS01", "shipping", ["新疆|Xinjiang"]),
            stage="FS01",
        )
    )
    return out


def product_threshold(pid: str) -> Decimal:
    """The free-shipping threshold of the product's shipping policy."""
    policy = CAT.shipping_policy(product(pid).shipping_id)
    assert policy is not None and policy.free_shipping_threshold is not None
    return policy.free_shipping_threshold


def product_fee(pid: str) -> Decimal:
    """The shipping fee below the free-shipping threshold."""
    policy = CAT.shipping_policy(product(pid).shipping_id)
    assert policy is not None
    return policy.fee


def size_cases() -> list[Case]:
    """Size from height/weight (斤 and kg) against each product's size chart; clear-cut rows only."""
    rows = (
        ("FS01", "身高160体重100斤穿什么码", "M"),
        ("FS01", "158 95斤穿啥码", "M"),
        ("FS01", "167/118斤选什么码", "L"),
        ("FS02", "身高168体重120斤穿几码", "M"),
        ("FS02", "180 160斤什么码", "XL"),
        ("FS06", "175 140斤穿什么码", "L"),
        ("FS06", "165cm 110斤选哪个码", "M"),
        ("FS07", "155 90斤穿什么码", "S"),
        ("FS09", "身高178 体重72kg穿什么码", "L"),
        ("FS03", "体重104斤穿几码", "27"),
        ("FS05", "体重60kg穿什么码", "L"),
    )
    out = [
        ask(f"size-{pid}-{i}", ["size"], text, expect(pid, "size", [_size_req(size)]), stage=pid)
        for i, (pid, text, size) in enumerate(rows)
    ]
    out.append(
        ask(
            "size-FS01-en",
            ["size", "english"],
            "What size for 165cm 58kg?",
            expect("FS01", "size", [_size_req("L")]),
            stage="FS01",
        )
    )
    out.append(
        ask("size-FS08-usual", ["size"], "平时穿37码选哪个", expect("FS08", "size", ["36"]), stage="FS08")
    )
    return out


def variant_cases() -> list[Case]:
    """Which versions there are; whether one version is there ("有黑色吗") is answered with its stock
    (that it exists and whether it can be bought now)."""
    rows = (
        ("FS02", "有黑色吗", ["黑色"], "stock"),
        ("SM01", "有几个颜色", ["星光白", "冰川蓝"], "variant"),
        ("SM07", "有粉色吗", ["雾粉"], "stock"),
        ("FS01", "有白色吗", ["米白"], "stock"),
        ("MZ05", "有哪些色号", ["豆沙玫瑰"], "variant"),
        ("HJ09", "有什么香味的", ["白茶"], "variant"),
        ("MZ04", "有几款", ["控油", "保湿"], "variant"),
        ("HJ06", "有哪几种", ["波浪", "面包"], "variant"),
        ("SM04", "有钢带吗", ["钢带"], "stock"),
        ("FS03", "有深蓝色吗", ["深蓝"], "stock"),
        ("SP06", "有抹茶味吗", ["抹茶"], "stock"),
        ("SP05", "有甜辣的吗", ["甜辣"], "stock"),
    )
    # the catalog's own words choose a version for the case asked: that, not every version
    chosen = (
        ("HJ02", "北方冬天盖几斤", ["8斤适合北方冬季", SOLD_OUT], ["4斤、6斤"]),
        ("MZ06", "偏黑肤色选哪个色号", ["小麦色"], ["没有肤色"]),  # the viewer's skin, no 肤色 version
    )
    return [
        ask(f"variant-{pid}-{i}", ["variant"], text, expect(pid, intent, req), stage=pid)
        for i, (pid, text, req, intent) in enumerate(rows)
    ] + [
        ask(f"variant-chosen-{pid}-{i}", ["variant"], text, expect(pid, "variant", req, bad), stage=pid)
        for i, (pid, text, req, bad) in enumerate(chosen)
    ]


def named_version_cases() -> list[Case]:
    """A version named by its spec's own word ("60包的有吗", "带线的有吗"): its stock, never the FAQ
    that mentions the word or the list of colours."""
    rows = (
        ("SP01", "60包的有吗", ["60包", SOLD_OUT]),
        ("SM02", "带线的有吗", ["带线", SOLD_OUT]),
        ("HJ03", "大号还有吗", ["大号", SOLD_OUT]),
        ("HJ09", "有白茶味的吗", ["白茶", IN_STOCK]),
        ("SM05", "青轴有吗", ["青轴", SOLD_OUT]),
    )
    return [
        ask(f"named-version-{pid}-{i}", ["variant", "stock"], text, expect(pid, "stock", req), stage=pid)
        for i, (pid, text, req) in enumerate(rows)
    ]


def body_measure_cases() -> list[Case]:
    """A body girth against the size chart's own column; the attribute a part is named by."""
    rows = (
        ("FS05", "臀围100穿什么码", ["XL"], "size"),
        ("FS03", "腰围2尺2穿多大", ["29"], "size"),
        ("MZ09", "膜布材质是什么", ["天丝"], "material"),
        ("FS05", "裆是纯棉的吗", ["纯棉抗菌裆"], "material"),
    )
    return _asked_on_stage("named-part", rows, lambda intent: "size" if intent == "size" else "material")


def measured_by_catalog_cases() -> list[Case]:
    """How many, how big, how long, what comes with it, the size usually worn: each from what the
    catalog holds for it (the versions' own counts and sizes, the one attribute of that measure, the
    chart's own example), never the whole size list or a person."""
    rows = (
        ("MZ09", "面膜一盒几片", ["5片/盒", "10片/盒"], "variant"),
        ("SP03", "橙子几斤装", ["5斤", "10斤"], "variant"),
        ("HJ07", "锅多大的", ["32cm", "30cm"], "variant"),
        ("HJ07", "锅带盖吗", ["带盖", IN_STOCK], "stock"),
        ("FS08", "靴筒多高", ["约20cm"], None),
        ("HJ03", "砧板多厚", ["2.5cm"], None),
        ("HJ09", "蜡烛能烧多久", ["40小时"], None),
        ("FS08", "平时穿38 这个拍几码", ["37码"], "size"),
    )
    return _asked_on_stage("measured", rows, lambda intent: "variant" if intent == "variant" else "spec")


AskedRow = tuple[str, str, list[str], str | None]  # product on stage, text, words required, intent


def _asked_on_stage(prefix: str, rows: Sequence[AskedRow], tag: Callable[[str | None], str]) -> list[Case]:
    """One single-turn case per row, ``{prefix}-{product}-{i}``, tagged by ``tag(intent)``."""
    return [
        ask(f"{prefix}-{pid}-{i}", [tag(intent)], text, expect(pid, intent, req), stage=pid)
        for i, (pid, text, req, intent) in enumerate(rows)
    ]


def material_cases() -> list[Case]:
    rows = (
        ("FS01", "什么面料", ["锦纶"]),
        ("FS02", "是纯棉吗", ["精梳棉"]),
        ("FS04", "什么材质的", ["羊毛"]),
        ("HJ01", "什么材质", ["316"]),
        ("FS01", "含绒量多少", ["90"]),
        ("HJ06", "乳胶含量多少", ["93"]),
        ("HJ02", "里面填的什么", ["仿羽绒丝"]),
        ("FS08", "什么皮的", ["牛反绒"]),
        ("HJ07", "什么材质", ["铝合金"]),
        ("FS05", "什么料子", ["莫代尔"]),
        ("HJ03", "什么木头", ["乌檀"]),
    )
    return [
        ask(f"material-{pid}-{i}", ["material"], text, expect(pid, "material", req), stage=pid)
        for i, (pid, text, req) in enumerate(rows)
    ]


def suitability_cases() -> list[Case]:
    rows = (
        ("MZ04", "适合油皮吗", ["控油"], "skin_given"),
        ("MZ04", "干皮能用吗", ["保湿"], "skin_given"),
        ("MZ04", "油皮选哪款", ["控油"], "skin_given"),
        ("MZ04", "混油皮适合吗", ["控油"], "skin_given"),
        ("MZ01", "敏感肌能用吗", ["耳后"], "faq"),
        ("MZ02", "油皮能用吗", ["油皮"], "faq"),
        ("MZ06", "干皮能用吗", ["保湿"], "faq"),
        ("SM08", "几岁能用", ["3", "12"], "age"),
        ("SP01", "小孩能吃吗", ["3"], "age"),
        ("SP08", "几岁能喝", ["1"], "age"),
        ("MZ09", "孕妇能用吗", ["孕期"], "faq"),
        ("SP04", "孕妇能喝吗", ["咖啡因"], "faq"),
        ("MZ03", "油皮能用吗", ["油皮"], "attribute"),
        ("MZ07", "男生能用吗", ["男女通用"], "faq"),
        ("SP07", "宝宝能吃吗", ["1岁"], "age"),
    )
    return [
        ask(
            f"suit-{pid}-{i}",
            ["suitability", tag],
            text,
            expect(pid, "suitability", req, clarify=False),
            stage=pid,
        )
        for i, (pid, text, req, tag) in enumerate(rows)
    ]


def usage_cases() -> list[Case]:
    rows = (
        ("MZ01", "怎么用", ["3-4滴"], "usage"),
        ("MZ09", "多久敷一次", ["2-3次"], "usage"),
        ("HJ04", "一次放几颗", ["1颗"], "usage"),
        ("SP04", "怎么泡", ["80-85"], "usage"),
        ("SM02", "能带上飞机吗", ["72"], "usage"),
        ("HJ01", "能带上飞机吗", ["倒空"], "usage"),
        ("MZ03", "需要卸妆吗", ["卸妆"], "usage"),
        ("HJ09", "第一次点要注意什么", ["2小时"], None),
        ("HJ05", "费电吗", ["2000"], None),
        ("SM06", "能放浴室用吗", ["IPX7"], None),
    )
    return [
        ask(f"usage-{pid}-{i}", ["usage"], text, expect(pid, intent, req), stage=pid)
        for i, (pid, text, req, intent) in enumerate(rows)
    ]


def after_sales_cases() -> list[Case]:
    rows = (
        ("FS05", "能退吗", ["不支持"]),
        ("MZ01", "有运费险吗", ["运费险"]),
        ("SM01", "保修多久", ["12"]),
        ("SP01", "拆了能退吗", ["拆封"]),
        ("FS02", "七天无理由吗", ["7"]),
        ("HJ05", "保修吗", ["12"]),
        ("FS01", "不合适能退吗", ["7"]),
        ("SM08", "拆封了能退吗", ["拆封"]),
        (
            "SP05",
            "退货有运费险吗",
            ["没有运费险|不含运费险|无运费险|不支持运费险|不提供运费险|no return shipping insurance"],
        ),
        ("SP03", "坏果怎么办", ["48"]),
        # a policy stating no warranty (warranty_months 0) says so first, the return terms beside it
        ("MZ07", "这款保修多久", ["不提供保修", "7天无理由"]),
        ("SP02", "有保修吗", ["不提供保修"]),
    )
    # the day of receipt or purchase told: the no-reason window worked out from receipt
    told: tuple[tuple[str, str, list[str], list[str]], ...] = (
        ("MZ07", "收到5天了还能退吗", ["收到5天，在签收后7天无理由退货期内"], []),
        ("MZ04", "收到8天了没拆 能退吗", ["已过签收后7天无理由退货期"], ["有运费险"]),
        ("FS03", "3天前买的 不合适能退吗", ["签收后7天内都在无理由退货期内"], []),
        ("SM05", "收到3天 拆了能退吗", ["^激活或拆封后无质量问题不支持无理由退货"], []),
    )
    return [
        ask(
            f"after-{pid}-{i}",
            ["after_sales"],
            text,
            expect(pid, "after_sales" if pid != "SP03" else None, req),
            stage=pid,
        )
        for i, (pid, text, req) in enumerate(rows)
    ] + [
        ask(
            f"after-told-{pid}-{i}",
            ["after_sales", "receipt_date"],
            text,
            expect(pid, "after_sales", req, bad),
            stage=pid,
        )
        for i, (pid, text, req, bad) in enumerate(told)
    ]


def order_cases() -> list[Case]:
    rows = (
        ("HJ01", "怎么买", "HJ01"),
        (None, "小黑瓶几号链接", "MZ01"),
        ("FS01", "链接在哪", "FS01"),
        (None, "保温杯在几号", "HJ01"),
        (None, "耳机链接呢", "SM01"),
        ("SP05", "怎么下单", "SP05"),
        ("SM02", "How do I buy this?", "SM02"),
        (None, "被子在哪个链接", "HJ02"),
        (None, "xhp链接", "MZ01"),
        (None, "羽绒服怎么拍", "FS01"),
    )
    out = []
    for i, (stage, text, pid) in enumerate(rows):
        tags = ["how_to_order", "english" if text.isascii() and " " in text else "plain"]
        out.append(ask(f"order-{pid}-{i}", tags, text, expect(pid, "how_to_order", [link(pid)]), stage=stage))
    return out


def faq_cases() -> list[Case]:
    """Questions the product's curated FAQ answers (intent not checked: several are fair)."""
    rows = (
        ("FS01", "会钻绒吗", "钻绒"),
        ("FS02", "白色会透吗", "不透"),
        ("HJ01", "会漏水吗", "不漏水"),
        ("SM03", "能给MacBook充吗", "65W"),
        ("SM05", "红轴和青轴有什么区别", "红轴"),
        ("HJ07", "电磁炉能用吗", "电磁炉"),
        ("SP06", "粘牙吗", "不粘牙"),
        ("MZ05", "沾杯吗", "沾杯"),
        ("SM09", "会发烫吗", "温控"),
        ("HJ08", "有荧光剂吗", "荧光"),
        ("SP03", "甜不甜", "13-15"),
        ("MZ08", "会闷痘吗", "乳化"),
        ("FS04", "扎脖子吗", "柔软"),
        ("SM04", "能游泳吗", "5ATM"),
        ("HJ02", "南方冬天盖几斤的", "6斤"),
    )
    return [
        ask(f"faq-{pid}-{i}", ["faq"], text, expect(pid, None, [req]), stage=pid)
        for i, (pid, text, req) in enumerate(rows)
    ]


def left_instead_cases() -> list[Case]:
    """A version sold out is said with what is left instead, shipping asked for a city of a region
    left out is answered from the regions, however the line opens, two colours asked at once are both
    answered, and a size said as N号 is no link."""
    return [
        ask(
            "stock-gone-others",
            ["stock", "sold_out"],
            "黑色有吗",
            expect("SM01", "stock", ["曜石黑已售罄", "星光白有货", "冰川蓝有货"]),
            stage="SM01",
        ),
        ask(
            "shipping-city-open",
            ["shipping", "region", "city"],
            "您好，我在青海西宁，羽绒服能发过来吗？",
            expect("FS01", "shipping", ["青海属于不发货或不包邮地区"]),
            stage="FS01",
        ),
        # two colours asked at once: each one's versions, not the first colour's alone
        ask(
            "stock-two-colours",
            ["stock", "variant"],
            "黑色和白色还有吗",
            expect("FS02", "stock", ["白色 S有货", "黑色 L已售罄"]),
            stage="FS02",
        ),
        # a size said as N号 of the product in view is that size, though link 38 is another product
        ask(
            "size-said-as-hao",
            ["stock", "size", "link_number"],
            "38号还有吗",
            expect("FS08", "stock", ["栗色 38已售罄"]),
            stage="FS08",
        ),
    ]


def product_cases() -> list[Case]:
    return [
        *left_instead_cases(),
        *stock_cases(),
        *shipping_cases(),
        *size_cases(),
        *variant_cases(),
        *material_cases(),
        *named_version_cases(),
        *body_measure_cases(),
        *measured_by_catalog_cases(),
        *suitability_cases(),
        *usage_cases(),
        *after_sales_cases(),
        *order_cases(),
        *faq_cases(),
    ]
