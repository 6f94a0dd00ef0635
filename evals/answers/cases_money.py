"""Eval cases about money: price, flash sales, coupons and 满减, price protection.

Boundaries are asked on both sides at a frozen clock (20:09:59 vs 20:10:00 ...); every amount is
computed from the catalog facts at the case's time (``casegen``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from evals.answers.casegen import (
    BEFORE_SHOW,
    CAT,
    EVENING,
    amount,
    ask,
    at,
    best_after_coupon,
    days,
    expect,
    min_price,
    product,
    product_coupons,
    sku_fact,
)

Case = dict[str, Any]
PRICE_PHRASES = (
    ("{a}多少钱", "plain"),
    ("{a}多钱", "slang"),
    ("{a}什么价", "plain"),
    ("{a}几块钱", "slang"),
    ("{a}价格多少", "plain"),
    ("{a}咋卖的", "slang"),
    ("請問{a}多少錢", "traditional"),
    ("{a}多少钱呀～～～", "emoji"),
)
STAGE_PRICE = (
    ("HJ02", "这个多少钱", "plain"),
    ("MZ02", "这款什么价", "plain"),
    ("FS04", "多少钱", "plain"),
    ("SP04", "这个咋卖", "slang"),
    ("HJ06", "主播手上的多少钱", "plain"),
    ("MZ06", "宝宝们这个多钱呀～～～", "slang"),
    ("SM05", "這個多少錢", "traditional"),
    ("HJ07", "价格？？？", "slang"),
    ("SP09", "💰多少", "emoji"),
    ("FS07", "这个多少米", "slang"),
    ("HJ08", "这个几块", "slang"),
    ("SM04", "这个价格多少", "plain"),
    # in a fashion room the clothes the host wears are the product presented
    ("FS06", "主播身上的衣服多少钱", "plain"),
    ("FS09", "主播穿的这件多少钱", "plain"),
)
LINK_PRICE = (
    (3, "3号链接多少钱"),
    (12, "十二号链接多少钱"),
    (20, "二十号链接什么价"),
    (3, "三號鏈接多少錢"),
    (7, "7号链接多钱"),
    (25, "25号多少钱"),
    (38, "38号链接价格"),
    (44, "四十四号链接多少钱"),
    (29, "29号链接多少钱"),
    (1, "一号链接咋卖"),
)


def _pid_by_link(n: int) -> str:
    return next(p.product_id for p in CAT.products if p.link_no == n)


def price_cases() -> list[Case]:
    """Price of every product by name or alias, by stage, and by link number."""
    out = []
    for i, p in enumerate(CAT.products):
        phrase, style = PRICE_PHRASES[i % len(PRICE_PHRASES)]
        alias = p.aliases[i % len(p.aliases)]
        style = "pinyin" if alias.isascii() and alias.islower() else style
        text = phrase.format(a=alias)
        req = [min_price(p.product_id, EVENING)]
        out.append(ask(f"price-{p.product_id}", ["price", style], text, expect(p.product_id, "price", req)))
    for pid, text, style in STAGE_PRICE:
        req = [min_price(pid, EVENING)]
        out.append(
            ask(f"price-stage-{pid}", ["price", "stage", style], text, expect(pid, "price", req), stage=pid)
        )
    for i, (n, text) in enumerate(LINK_PRICE):
        pid = _pid_by_link(n)
        out.append(
            ask(
                f"price-link-{n}-{i}",
                ["price", "link_no"],
                text,
                expect(pid, "price", [min_price(pid, EVENING)]),
            )
        )
    return out


def _flash(
    cid: str, pid: str, hms: str, text: str, intent: str, req: list[str], forbid: list[str], tags: list[str]
) -> Case:
    return ask(
        cid, ["flash_sale", "boundary", *tags], text, expect(pid, intent, req, forbid), iso=at(hms), stage=pid
    )


def flash_cases() -> list[Case]:
    """Both sides of every flash-sale boundary; countdown and start-time questions."""
    cup, buds = product("HJ01"), product("SM01")
    base_cup = amount(cup.skus[0].price)
    base_buds = amount(buds.skus[0].price)
    sale_cup = amount(sku_fact("HJ01", at("20:05:00"), "奶白").price)
    sale_buds = amount(sku_fact("SM01", at("21:05:00"), "星光白").price)
    out = [
        _flash("flash-hj01-1959", "HJ01", "19:59:59", "这个多少钱", "price", [base_cup], [], ["before"]),
        _flash(
            "flash-hj01-2000", "HJ01", "20:00:00", "这个多少钱", "price", [sale_cup, "20:10"], [], ["start"]
        ),
        _flash(
            "flash-hj01-2009", "HJ01", "20:09:59", "这个多少钱", "price", [sale_cup, "20:10"], [], ["end"]
        ),
        _flash("flash-hj01-2010", "HJ01", "20:10:00", "这个多少钱", "price", [base_cup], [sale_cup], ["end"]),
        _flash(
            "flash-hj01-2010b",
            "HJ01",
            "20:10:00",
            "还有秒杀吗",
            "flash_sale",
            [base_cup],
            [sale_cup],
            ["end"],
        ),
        _flash(
            "flash-hj01-1950",
            "HJ01",
            "19:50:00",
            "几点开抢",
            "flash_sale",
            ["20:00", sale_cup],
            [],
            ["before"],
        ),
        _flash(
            "flash-hj01-1955",
            "HJ01",
            "19:55:00",
            "保温杯什么时候秒杀",
            "flash_sale",
            ["20:00"],
            [],
            ["before"],
        ),
        _flash(
            "flash-hj01-2005",
            "HJ01",
            "20:05:00",
            "秒杀还有多久结束",
            "flash_sale",
            ["20:10"],
            [],
            ["countdown"],
        ),
        _flash(
            "flash-hj01-2008", "HJ01", "20:08:30", "还剩几分钟", "flash_sale", ["20:10"], [], ["countdown"]
        ),
        _flash("flash-hj01-2009b", "HJ01", "20:09:59", "秒杀价多少", "flash_sale", [sale_cup], [], ["end"]),
        _flash("flash-sm01-2059", "SM01", "20:59:59", "耳机多少钱", "price", [base_buds], [], ["before"]),
        _flash(
            "flash-sm01-2100", "SM01", "21:00:00", "耳机多少钱", "price", [sale_buds, "21:15"], [], ["start"]
        ),
        _flash(
            "flash-sm01-2114", "SM01", "21:14:59", "这个多少钱", "price", [sale_buds, "21:15"], [], ["end"]
        ),
        _flash(
            "flash-sm01-2115", "SM01", "21:15:00", "这个多少钱", "price", [base_buds], [sale_buds], ["end"]
        ),
        _flash(
            "flash-sm01-2030",
            "SM01",
            "20:30:00",
            "耳机几点开抢",
            "flash_sale",
            ["21:00", sale_buds],
            [],
            ["before"],
        ),
        _flash(
            "flash-sm01-2110", "SM01", "21:10:00", "秒杀几点结束", "flash_sale", ["21:15"], [], ["countdown"]
        ),
        _flash(
            "flash-sm01-2120",
            "SM01",
            "21:20:00",
            "还有秒杀吗",
            "flash_sale",
            [base_buds],
            [sale_buds],
            ["end"],
        ),
    ]
    black_m = ("黑色", "M")
    down_base = amount(sku_fact("FS01", at("21:59:59"), *black_m).price)
    down_sale = amount(sku_fact("FS01", at("22:00:00"), *black_m).price)
    white_m = amount(sku_fact("FS01", at("22:05:00"), "米白", "M").price)
    out += [
        _flash(
            "flash-fs01-2159", "FS01", "21:59:59", "黑色M多少钱", "price", [down_base], [], ["before", "sku"]
        ),
        _flash(
            "flash-fs01-2200",
            "FS01",
            "22:00:00",
            "黑色M多少钱",
            "price",
            [down_sale, "22:20"],
            [],
            ["start", "sku"],
        ),
        _flash(
            "flash-fs01-2219", "FS01", "22:19:59", "黑色L多少钱", "price", [down_sale], [], ["end", "sku"]
        ),
        _flash(
            "flash-fs01-2220",
            "FS01",
            "22:20:00",
            "黑色L多少钱",
            "price",
            [down_base],
            [down_sale],
            ["end", "sku"],
        ),
        _flash("flash-fs01-white", "FS01", "22:05:00", "米白M多少钱", "price", [white_m], [], ["sku"]),
        _flash(
            "flash-fs01-2130",
            "FS01",
            "21:30:00",
            "羽绒服几点秒杀",
            "flash_sale",
            ["22:00", down_sale],
            [],
            ["before"],
        ),
        # today's flash sales asked of no product: those not over yet, with their links and times
        ask(
            "flash-room-wide-2040",
            ["flash_sale", "room"],
            "今晚有啥秒杀",
            expect(None, "flash_sale", ["21:00-21:15 19号链接", "22:00-22:20 10号链接"], ["保温杯"]),
            iso=at("20:40:00"),
        ),
        ask(
            "flash-room-wide-2330",
            ["flash_sale", "room", "boundary"],
            "还有秒杀吗",
            expect(None, "flash_sale", ["今天的秒杀已经结束了"], ["19号链接", "10号链接"]),
            iso=at("23:30:00"),
        ),
    ]
    return out


def _discount(
    cid: str, pid: str, iso: str, text: str, req: list[str], forbid: list[str], tags: list[str]
) -> Case:
    return ask(cid, ["discount", *tags], text, expect(pid, "discount", req, forbid), iso=iso)


def coupon_cases() -> list[Case]:
    """Product coupons, the 21:00 snack-coupon expiry on both sides, 满减 and the 23:00 ends."""
    out = []
    for pid, alias in (("SP05", "鸭脖"), ("SP01", "坚果"), ("SP06", "牛轧糖"), ("SP07", "草莓脆")):
        coupon = product_coupons(pid, at("20:59:00"))[0]
        terms = [amount(coupon.threshold), amount(coupon.amount or Decimal(0))]
        out.append(
            _discount(
                f"coupon-{pid}-2059", pid, at("20:59:00"), f"{alias}有券吗", terms, [], ["coupon", "boundary"]
            )
        )
        after = [amount(coupon.amount or Decimal(0))]
        out.append(
            _discount(
                f"coupon-{pid}-2100", pid, at("21:00:00"), f"{alias}有券吗", [], after, ["coupon", "boundary"]
            )
        )
    for pid, alias in (("SP05", "鸭脖"), ("SP06", "牛轧糖")):
        before_price = best_after_coupon(pid, at("20:59:59"))
        after_price = best_after_coupon(pid, at("21:00:00"))
        out.append(
            ask(
                f"coupon-price-{pid}-2059",
                ["price", "coupon", "boundary"],
                f"{alias}用券多少钱",
                expect(pid, None, [before_price]),
                iso=at("20:59:59"),
            )
        )
        out.append(
            ask(
                f"coupon-price-{pid}-2100",
                ["price", "coupon", "boundary"],
                f"{alias}用券多少钱",
                expect(pid, None, [after_price], [before_price]),
                iso=at("21:00:00"),
            )
        )
    for pid, alias in (("MZ01", "小黑瓶"), ("MZ02", "紫罐"), ("MZ04", "爽肤水")):
        coupon = product_coupons(pid, EVENING)[0]
        out.append(
            _discount(
                f"coupon-{pid}",
                pid,
                EVENING,
                f"{alias}有优惠吗",
                [amount(coupon.threshold), amount(coupon.amount or Decimal(0))],
                [],
                ["coupon"],
            )
        )
    for pid, alias in (("SM02", "充电宝"), ("SM07", "鼠标"), ("SM05", "键盘")):
        out.append(
            _discount(
                f"coupon-{pid}-rate",
                pid,
                EVENING,
                f"{alias}有券吗",
                ["9折|10% off|90%"],
                [],
                ["coupon", "rate"],
            )
        )
    out += [
        _discount(
            "coupon-MZ01-before", "MZ01", BEFORE_SHOW, "小黑瓶有优惠券吗", [], [], ["coupon", "before"]
        ),
        _discount("spend-SP03", "SP03", EVENING, "橙子满减怎么算", ["150.00", "20.00"], [], ["spend"]),
        _discount(
            "spend-SP03-2300",
            "SP03",
            at("23:00:00"),
            "橙子有满减吗",
            ["300.00", "50.00"],
            ["20.00"],
            ["spend", "boundary"],
        ),
        _discount(
            "spend-SP03-2259",
            "SP03",
            at("22:59:59"),
            "橙子有满减吗",
            ["150.00", "20.00"],
            [],
            ["spend", "boundary"],
        ),
        _discount("spend-HJ02", "HJ02", EVENING, "被子能满减吗", ["300.00", "50.00"], [], ["spend"]),
        _discount(
            "coupon-shop-2300",
            "MZ03",
            at("23:00:00"),
            "防晒有店铺券吗",
            [],
            ["30.00"],
            ["coupon", "boundary"],
        ),
        _discount(
            "coupon-shop-2259",
            "MZ03",
            at("22:59:59"),
            "防晒有店铺券吗",
            ["200.00", "30.00"],
            [],
            ["coupon", "boundary"],
        ),
        _discount("discount-cheaper", "FS06", EVENING, "卫衣能便宜点吗", ["200.00|300.00"], [], ["slang"]),
        # a coupon named that leaves the product out, or is over: said so first
        _discount(
            "coupon-named-not-for-MZ03",
            "MZ03",
            EVENING,
            "防晒能用护肤券吗",
            ["护肤专享券不适用"],
            [],
            ["coupon"],
        ),
        _discount(
            "coupon-named-over-SP01",
            "SP01",
            at("21:05:00"),
            "坚果零食券还能用吗",
            ["已于21:00结束"],
            [],
            ["coupon"],
        ),
        # the room's coupons asked of no product: the whole shop's first, each product's own named
        ask(
            "coupon-room-wide",
            ["discount", "coupon", "room"],
            "现在有啥券可以领",
            expect(None, "discount", ["满¥200减¥30券（全店）", "满¥300减¥50（全店）", "限1、2、4号链接"]),
            iso=EVENING,
        ),
        ask(
            "coupon-room-wide-2330",
            ["discount", "coupon", "room", "boundary"],
            "还有券吗",
            expect(None, "discount", ["满¥300减¥50（全店）"], ["满¥200减¥30券"]),
            iso=at("23:30:00"),
        ),
        _discount("discount-trad", "SM04", EVENING, "手錶有優惠嗎", ["200.00", "30.00"], [], ["traditional"]),
    ]
    return out


def protection_cases() -> list[Case]:
    """保价: exact days for every protection length (0 = none), and a few phrasings."""
    phrasings = ("{a}保价吗", "{a}保价几天", "{a}买了降价怎么办", "{a}有价保吗", "{a}价保多久", "{a}保價嗎")
    picks = (
        "MZ01",
        "MZ03",
        "MZ05",
        "MZ09",
        "FS01",
        "FS04",
        "FS05",
        "FS09",
        "SM01",
        "SM04",
        "SM06",
        "SM07",
        "SM08",
        "SP01",
        "SP02",
        "SP04",
        "HJ01",
        "HJ03",
        "HJ05",
        "HJ08",
    )
    out = []
    for i, pid in enumerate(picks):
        p = product(pid)
        n = days(pid)
        text = phrasings[i % len(phrasings)].format(a=p.aliases[0])
        if n > 0:
            exp = expect(pid, "price_protection", [str(n)])
        else:
            exp = expect(pid, "price_protection", ["不支持|不保价|没有保价|无保价|不参与保价"], ["天保价"])
        tags = ["price_protection", "no_protection" if n == 0 else f"days_{n}"]
        out.append(ask(f"pp-{pid}", tags, text, exp))
    out += [
        ask(
            "pp-stage-MZ02",
            ["price_protection", "stage"],
            "它保价吗",
            expect("MZ02", "price_protection", [str(days("MZ02"))]),
            stage="MZ02",
        ),
        ask(
            "pp-stage-SP05",
            ["price_protection", "stage", "no_protection"],
            "保价吗",
            expect("SP05", "price_protection", ["不支持|不保价|没有保价|无保价"], ["天保价"]),
            stage="SP05",
        ),
        ask(
            "pp-flash-HJ01",
            ["price_protection", "flash_sale"],
            "秒杀买的保价吗",
            expect("HJ01", "price_protection", [str(days("HJ01")), "秒杀"]),
            iso=at("20:05:00"),
            stage="HJ01",
        ),
        ask(
            "pp-purchase-MZ01",
            ["price_protection", "purchase_date"],
            "11月10日买的50ml 549元，现在能退差价吗",
            expect("MZ01", "price_protection", [str(days("MZ01"))]),
            stage="MZ01",
        ),
        ask(
            "pp-purchase-SM08",
            ["price_protection", "purchase_date"],
            "学习机上个月1399买的，降价了能保价吗",
            expect("SM08", "price_protection", [str(days("SM08"))]),
        ),
        # a day of purchase told: the case worked out from the price history and the window
        ask(
            "pp-told-MZ07",
            ["price_protection", "purchase_date"],
            "我两天前买的降价了能退差价吗",
            # no price history: the price that counts has not dropped, whatever the viewer saw
            expect("MZ07", "price_protection", [str(days("MZ07")), "前天买的按保价规则现价没有降价"]),
            stage="MZ07",
        ),
        ask(
            "pp-told-SM08",
            ["price_protection", "purchase_date"],
            "学习机我11天前1399买的 现在1299了 能保价吗",
            expect("SM08", "price_protection", ["可申请退差价", "100"]),
        ),
        ask(
            "pp-told-MZ01-past",
            ["price_protection", "purchase_date"],
            "50ml的买了快40天了还能补差价吗",
            expect("MZ01", "price_protection", ["已过30天保价期"], ["可申请退差价"]),
            stage="MZ01",
        ),
    ]
    return out


def together_cases() -> list[Case]:
    """Several products in one price question: the same question of each ("7号和4号多少钱"), or what
    they come to together ("和12号牛仔裤一起买多少钱"), summed from the catalog's prices; a product of
    several prices adds its lowest, said 起; the promotions are named, not applied."""
    return [
        ask(
            "together-each-price",
            ["price", "several"],
            "7号和4号多少钱",
            expect("MZ07", "price", ["植萃集 氨基酸洗面奶 ¥32.90", "素肌研 清透平衡爽肤水 ¥129"]),
            iso=BEFORE_SHOW,
            stage="SP01",
        ),
        ask(
            "together-basket-stage",
            ["price", "several", "basket"],
            "那和12号牛仔裤一起买多少钱",
            expect("FS07", "price", ["¥239 + 简川 高腰阔腿牛仔裤 ¥169 = ¥408"]),
            iso=BEFORE_SHOW,
            stage="FS07",
        ),
        ask(
            "together-basket-count",
            ["price", "several", "basket", "quantity"],
            "买两箱30包的加一袋32号鸭脖多少钱",
            expect("SP01", "price", ["25g×30包 ¥129×2", "= ¥317.90", "未含满¥300减¥50"]),
            iso=EVENING,
            stage="SP01",
        ),
        ask(
            "together-basket-lowest",
            ["price", "several", "basket"],
            "卸妆油+3号防晒+7号洗面奶一起多少",
            expect("MZ08", "price", ["雾屿 清润卸妆油 ¥139起", "= ¥347.90起"]),
            iso=EVENING,
            stage="MZ08",
        ),
        ask(
            "together-basket-two-versions",
            ["price", "several", "basket", "quantity"],
            "我想买麻辣味3份、甜辣味2份，再加一份原味牛轧糖，一共多少钱",
            expect("SP05", "price", ["¥59.90×3", "¥59.90×2", "= ¥358.50"]),
            iso=EVENING,
            stage="SP05",
        ),
        ask(
            "together-basket-set-name",
            ["price", "several", "basket"],
            "6号粉底液和5号唇釉三支套装一起买一共多少钱",
            expect("MZ06", "price", ["三支套装（#01+#03+#07） ¥199 = ¥368"], ["×3"]),
            iso=BEFORE_SHOW,
            stage="MZ06",
        ),
    ]


def sale_words_cases() -> list[Case]:
    """The sale asked in a live room's own words: 秒 and 抢 as the flash sale's verbs, the room's 满减
    in a line read as chat, a purchase dated by its day of the month against the protection window."""
    return [
        ask(
            "flash-verb-miaole",
            ["flash", "verbs"],
            "墨黑能秒吗",
            expect("HJ01", "flash_sale", ["秒杀价¥89"]),
            iso=at("19:56:00"),
            stage="HJ01",
        ),
        ask(
            "flash-verb-qiang",
            ["flash", "verbs", "boundary"],
            "还有一分钟！黑M还能抢吗",
            expect("FS01", "flash_sale", ["仅限黑色 M、黑色 L", "22:20结束"]),
            iso=at("22:19:00"),
            stage="FS01",
        ),
        ask(
            "flash-version-gone",
            ["flash", "verbs", "sold_out"],
            "黑色能秒吗",
            expect("SM01", "flash_sale", ["曜石黑已售罄", "星光白、冰川蓝有货", "秒杀价¥199"]),
            iso=at("21:02:00"),
            stage="SM01",
        ),
        ask(
            "price-checked-after-sale",
            ["price", "flash", "boundary"],
            "还能199吗 刚才卡退出去了",
            expect("SM01", "price", ["¥299"], ["秒杀价¥199"]),
            iso=at("21:16:00"),
            stage="SM01",
        ),
        ask(
            "spend-discount-until-room",
            ["discount", "room", "boundary"],
            "今天满减到几点结束",
            expect(None, "discount", ["满¥300减¥50（全店），24:00前有效"]),
            iso=at("23:56:00"),
        ),
        ask(
            "protection-day-of-month",
            ["protection", "told"],
            "我10号买的耳机299 今天秒杀199 保价退100吗",
            expect("SM01", "price_protection", ["11天前买的当时¥299", "没有降价"]),
            iso=at("21:17:00"),
            stage="SM01",
        ),
        ask(
            "protection-last-month",
            ["protection", "told"],
            "我上个月20号买的防晒 现在能保价吗",
            expect("MZ03", "price_protection", ["已过15天保价期"]),
            iso=BEFORE_SHOW,
            stage="MZ03",
        ),
    ]


def money_cases() -> list[Case]:
    return [
        *price_cases(),
        *flash_cases(),
        *coupon_cases(),
        *protection_cases(),
        *together_cases(),
        *sale_words_cases(),
    ]
