"""Eval cases about the conversation: follow-ups ("那黑色的呢", "它保价吗"), stage switches between
turns, and clarifications (MZ04's skin-type variants, ambiguous brand names, nothing on stage)."""

from __future__ import annotations

from typing import Any

from evals.answers.casegen import (
    EVENING,
    amount,
    ask,
    at,
    case,
    days,
    expect,
    link,
    min_price,
    sku_fact,
    turn,
)
from evals.answers.cases_product import IN_STOCK, SOLD_OUT

Case = dict[str, Any]
BANNED = ["最", "全网最低", "第一", "史上"]


def price_at(pid: str, iso: str, *spec: str) -> str:
    return amount(sku_fact(pid, iso, *spec).price) if spec else min_price(pid, iso)


def followup_cases() -> list[Case]:
    """Follow-ups that name no product ("那黑色的呢", "它保价吗", "L码还有吗")."""
    t0 = at("21:50:00")
    fu = ["followup"]
    return [
        case(
            "fu-fs01-black",
            fu,
            t0,
            "FS01",
            turn("这个多少钱", expect("FS01", "price", [price_at("FS01", t0)])),
            turn("那黑色的呢", expect("FS01", "price", [price_at("FS01", t0, "黑色", "M")])),
            turn("L码还有吗", expect("FS01", "stock", [IN_STOCK])),
        ),
        case(
            "fu-mz01-pp",
            fu,
            EVENING,
            None,
            turn("小黑瓶多少钱", expect("MZ01", "price", [price_at("MZ01", EVENING)])),
            turn("它保价吗", expect("MZ01", "price_protection", [str(days("MZ01"))])),
        ),
        case(
            "fu-link3-pp",
            [*fu, "link_no"],
            EVENING,
            None,
            turn("3号链接多少钱", expect("MZ03", "price", [price_at("MZ03", EVENING)])),
            turn("它保价吗", expect("MZ03", "price_protection", [str(days("MZ03"))])),
        ),
        # 它 after a link is that link's product, whatever is on stage
        case(
            "fu-link3-pp-stage",
            [*fu, "link_no", "stage"],
            EVENING,
            "MZ09",
            turn("3号链接多少钱", expect("MZ03", "price", [price_at("MZ03", EVENING)])),
            turn("它保价吗", expect("MZ03", "price_protection", [str(days("MZ03"))])),
        ),
        case(
            "fu-sm01-color",
            fu,
            EVENING,
            None,
            turn("耳机多少钱", expect("SM01", "price", [price_at("SM01", EVENING)])),
            turn("有什么颜色", expect("SM01", "variant", ["星光白"])),
        ),
        case(
            "fu-fs01-white",
            fu,
            EVENING,
            None,
            turn("羽绒服多少钱", expect("FS01", "price", [price_at("FS01", EVENING)])),
            turn("米白L还有吗", expect("FS01", "stock", [SOLD_OUT])),
        ),
        case(
            "fu-sp05-sweet",
            fu,
            EVENING,
            None,
            turn("鸭脖多少钱", expect("SP05", "price", [price_at("SP05", EVENING)], ["1.00"])),
            turn("甜辣的呢", expect("SP05", "price", [price_at("SP05", EVENING, "甜辣味")], ["1.00"])),
        ),
        case(
            "fu-fs02-black",
            fu,
            EVENING,
            "FS02",
            turn("白色M多少钱", expect("FS02", "price", [price_at("FS02", EVENING, "白色", "M")])),
            turn("那黑色的呢", expect("FS02", "price", [price_at("FS02", EVENING, "黑色", "M")])),
            turn("L码还有吗", expect("FS02", "stock", [SOLD_OUT])),
        ),
        case(
            "fu-mz04-pp",
            fu,
            EVENING,
            "MZ04",
            turn("控油款多少钱", expect("MZ04", "price", [price_at("MZ04", EVENING, "控油款", "200ml")])),
            turn("它保价吗", expect("MZ04", "price_protection", [str(days("MZ04"))])),
            turn("发什么快递", expect("MZ04", "shipping", ["顺丰"])),
        ),
        case(
            "fu-hj01-now",
            [*fu, "flash_sale", "boundary"],
            at("20:08:00"),
            "HJ01",
            turn("这个多少钱", expect("HJ01", "price", [price_at("HJ01", at("20:08:00")), "20:10"])),
            turn(
                "那现在呢",
                expect(
                    "HJ01", "price", [price_at("HJ01", at("20:10:05"))], [price_at("HJ01", at("20:08:00"))]
                ),
                iso=at("20:10:05"),
            ),
        ),
        case(
            "fu-sm08",
            fu,
            EVENING,
            None,
            turn("学习机多少钱", expect("SM08", "price", [price_at("SM08", EVENING)])),
            turn("保价几天", expect("SM08", "price_protection", [str(days("SM08"))])),
            turn("几岁能用", expect("SM08", "suitability", ["3", "12"])),
        ),
        case(
            "fu-two-viewers",
            [*fu, "viewers"],
            EVENING,
            "MZ04",
            turn("小黑瓶多少钱", expect("MZ01", "price", [price_at("MZ01", EVENING)]), viewer="v1"),
            turn("这个保价吗", expect("MZ04", "price_protection", [str(days("MZ04"))]), viewer="v2"),
            turn("那50ml的呢", expect("MZ01", "price", [price_at("MZ01", EVENING, "50ml")]), viewer="v1"),
        ),
        case(
            "fu-sp02-rye",
            [*fu, "banned_term"],
            EVENING,
            None,
            turn("吐司多少钱", expect("SP02", "price", [price_at("SP02", EVENING)], BANNED)),
            turn("黑麦的呢", expect("SP02", "price", [price_at("SP02", EVENING, "黑麦")], BANNED)),
        ),
        case(
            "fu-hj02-6jin",
            fu,
            EVENING,
            None,
            turn("被子多少钱", expect("HJ02", "price", [price_at("HJ02", EVENING)])),
            turn("6斤的呢", expect("HJ02", "price", [price_at("HJ02", EVENING, "6斤")])),
        ),
        case(
            "fu-sm04-steel",
            fu,
            EVENING,
            None,
            turn("手表多少钱", expect("SM04", "price", [price_at("SM04", EVENING)])),
            turn("钢带还有吗", expect("SM04", "stock", [SOLD_OUT])),
        ),
        case(
            "fu-link10",
            [*fu, "link_no"],
            EVENING,
            None,
            turn("十号链接多少钱", expect("FS01", "price", [price_at("FS01", EVENING)])),
            turn("黑色M还有吗", expect("FS01", "stock", [IN_STOCK])),
        ),
    ]


def stage_switch_cases() -> list[Case]:
    """The host changes the stage between turns: "这个" follows the stage."""
    ss = ["followup", "stage_switch"]
    t1, t2 = EVENING, at("20:06:00")
    return [
        case(
            "ss-mz01-hj01",
            ss,
            t1,
            "MZ01",
            turn("这个多少钱", expect("MZ01", "price", [price_at("MZ01", t1)])),
            turn(
                "这个多少钱", expect("HJ01", "price", [price_at("HJ01", t2), "20:10"]), iso=t2, stage="HJ01"
            ),
        ),
        case(
            "ss-sp02-mz01",
            ss,
            t1,
            "SP02",
            turn("这款保价吗", expect("SP02", "price_protection", ["不支持|不保价|没有保价|无保价"], BANNED)),
            turn("这款保价吗", expect("MZ01", "price_protection", [str(days("MZ01"))]), iso=t2, stage="MZ01"),
        ),
        case(
            "ss-bare",
            [*ss, "bare"],
            t1,
            "FS01",
            turn("多少钱", expect("FS01", "price", [price_at("FS01", t1)])),
            turn("多少钱", expect("FS02", "price", [price_at("FS02", t2)]), iso=t2, stage="FS02"),
        ),
        case(
            "ss-named-then-stage",
            ss,
            t1,
            None,
            turn("吐司多少钱", expect("SP02", "price", [price_at("SP02", t1)], BANNED)),
            turn("这个多少钱", expect("MZ01", "price", [price_at("MZ01", t2)]), iso=t2, stage="MZ01"),
        ),
        case(
            "ss-sm01-sm02",
            ss,
            at("20:55:00"),
            "SM01",
            turn("这个多少钱", expect("SM01", "price", [price_at("SM01", at("20:55:00"))])),
            turn(
                "这个有券吗",
                expect("SM02", "discount", ["9折|10% off|90%"]),
                iso=at("21:01:00"),
                stage="SM02",
            ),
        ),
        case(
            "ss-link",
            ss,
            t1,
            "HJ01",
            turn("几号链接", expect("HJ01", "how_to_order", [link("HJ01")])),
            turn("几号链接", expect("HJ02", "how_to_order", [link("HJ02")]), iso=t2, stage="HJ02"),
        ),
        case(
            "ss-shipping",
            ss,
            t1,
            "MZ05",
            turn("发什么快递", expect("MZ05", "shipping", ["中通"])),
            turn("发什么快递", expect("SM01", "shipping", ["京东"]), iso=t2, stage="SM01"),
        ),
        case(
            "ss-skin",
            ss,
            t1,
            "MZ04",
            turn("适合油皮吗", expect("MZ04", "suitability", ["控油"])),
            turn("这个敏感肌能用吗", expect("MZ01", "suitability", ["耳后"]), iso=t2, stage="MZ01"),
        ),
    ]


def continued_dialogue_cases() -> list[Case]:
    """A viewer's fragment goes on from their last question ("茶轴呢", "这个呢" after the host moved
    on, "要黑色的" after size advice), with what they told of themselves ("孕妇"); "上一个链接" is
    the product presented before."""
    cd = ["followup", "continued"]
    t1, t2 = EVENING, at("20:06:00")
    return [
        case(
            "cd-version-then-another",
            cd,
            t1,
            "SM05",
            turn("青轴有吗", expect("SM05", "stock", ["青轴", SOLD_OUT])),
            turn("茶轴呢", expect("SM05", "stock", ["茶轴", IN_STOCK], ["青轴"])),
        ),
        case(
            "cd-this-one-after-the-move",
            [*cd, "stage_switch"],
            t1,
            "MZ01",
            turn("孕妇能用吗", expect("MZ01", "suitability", ["孕期可以使用"])),
            turn("这个呢", expect("MZ02", "suitability", ["孕期可以使用"]), iso=t2, stage="MZ02"),
        ),
        case(
            "cd-colour-after-size-advice",
            cd,
            t1,
            "FS02",
            turn("175 70kg穿什么码", expect("FS02", "size", ["L码"])),
            turn("那白色L", expect("FS02", "stock", ["白色 L", IN_STOCK])),
        ),
        case(
            "cd-region-after-shipping",
            cd,
            t1,
            "HJ01",
            turn("青海能发吗", expect("HJ01", "shipping", ["青海"])),
            turn("那甘肃呢", expect("HJ01", "shipping", ["顺丰"])),
        ),
        case(
            "cd-the-link-before",
            [*cd, "stage_switch"],
            t1,
            "MZ01",
            turn("小黑瓶多少钱", expect("MZ01", "price", [price_at("MZ01", t1)])),
            turn("上一个链接还有货吗", expect("MZ01", "stock", ["75ml", SOLD_OUT]), iso=t2, stage="MZ02"),
        ),
        case(
            "cd-version-priced-sold-out",
            cd,
            t1,
            "SM04",
            turn("手表多少钱", expect("SM04", "price", [price_at("SM04", t1)])),
            turn("钢带的呢", expect("SM04", "price", ["钢带", SOLD_OUT])),
        ),
        case(
            "cd-version-after-thanks",
            cd,
            t1,
            "MZ03",
            turn("防晒多少钱", expect("MZ03", "price", [price_at("MZ03", t1)])),
            turn("好的 那旅行装呢", expect("MZ03", "price", ["旅行装", SOLD_OUT])),
        ),
        case(
            "cd-whether-there-after-price",
            cd,
            t1,
            "HJ05",
            turn("暖风机多少钱", expect("HJ05", "price", [price_at("HJ05", t1)])),
            turn("白色遥控的有吗", expect("HJ05", "stock", ["白色 遥控款", SOLD_OUT])),
        ),
        case(
            "cd-another-link",
            [*cd, "link_no"],
            t1,
            "FS01",
            turn("羽绒服多少钱", expect("FS01", "price", [price_at("FS01", t1)])),
            turn("3号链接呢", expect("MZ03", "price", [price_at("MZ03", t1)])),
        ),
        case(
            "cd-the-product-now-presented",
            [*cd, "stage_switch"],
            t1,
            "HJ06",
            turn("枕头多少钱", expect("HJ06", "price", [price_at("HJ06", t1)])),
            turn("抽纸呢", expect("HJ08", "price", [price_at("HJ08", t2)]), iso=t2, stage="HJ08"),
        ),
        case(
            "cd-same-words-after-the-move",
            [*cd, "stage_switch"],
            t1,
            "SM01",
            turn("耳机防水吗", expect("SM01", None, ["IPX4"])),
            turn("这个呢", expect("SM04", None, ["5ATM"]), iso=t2, stage="SM04"),
        ),
    ]


def clarify_cases() -> list[Case]:
    """Questions that need a clarifying question first, then the answer once the viewer says."""
    cl = ["clarify", "followup"]
    ask_back = expect(intent=None, source=("clarify",), clarify=True)
    out = [
        # goods another product is called, named with 这个 while a wok is on stage: never the wok
        case(
            "cl-hj07-lipstick",
            [*cl, "stage"],
            EVENING,
            "HJ07",
            turn("这个口红多少钱", expect(intent=None, required=["花汐"], source=("clarify",), clarify=True)),
            turn("5号", expect("MZ05", "price", [price_at("MZ05", EVENING)])),
        ),
        case(
            "cl-mz04-me",
            cl,
            EVENING,
            "MZ04",
            turn("这款适合我吗", ask_back),
            turn("油皮", expect("MZ04", "suitability", ["控油"])),
        ),
        case(
            "cl-mz04-which",
            cl,
            EVENING,
            "MZ04",
            turn("哪款适合我", ask_back),
            turn("干皮", expect("MZ04", "suitability", ["保湿"])),
        ),
        case(
            "cl-mz04-short",
            cl,
            EVENING,
            "MZ04",
            turn("适合我吗", ask_back),
            turn("我是油皮", expect("MZ04", "suitability", ["控油"])),
        ),
        case(
            "cl-mz04-water",
            cl,
            EVENING,
            "MZ04",
            turn("这个水我能用吗", ask_back),
            turn("干性皮肤", expect("MZ04", "suitability", ["保湿"])),
        ),
        case(
            "cl-brand-lanxu",
            [*cl, "ambiguous_name"],
            EVENING,
            None,
            turn("澜序的多少钱", ask_back),
            turn("精华", expect("MZ01", "price", [price_at("MZ01", EVENING)])),
        ),
        case(
            "cl-brand-beiwei",
            [*cl, "ambiguous_name"],
            EVENING,
            None,
            turn("北纬线那个多少钱", ask_back),
            turn("卫衣", expect("FS06", "price", [price_at("FS06", EVENING)])),
        ),
        case(
            "cl-brand-shengyu",
            [*cl, "ambiguous_name"],
            EVENING,
            None,
            turn("声屿的多少钱", ask_back),
            turn("音箱", expect("SM06", "price", [price_at("SM06", EVENING)])),
        ),
        case(
            "cl-brand-maixiang",
            [*cl, "ambiguous_name"],
            EVENING,
            None,
            turn("麦香坊的多少钱", ask_back),
            turn("曲奇", expect("SP09", "price", [price_at("SP09", EVENING)])),
        ),
        case(
            "cl-brand-chujiang",
            [*cl, "ambiguous_name"],
            EVENING,
            None,
            turn("厨匠的保价吗", ask_back),
            turn("锅", expect("HJ07", "price_protection", [str(days("HJ07"))])),
        ),
        case(
            "cl-brand-mianyun",
            [*cl, "ambiguous_name"],
            EVENING,
            None,
            turn("眠云的多少钱", ask_back),
            turn("枕头", expect("HJ06", "price", [price_at("HJ06", EVENING)])),
        ),
        case(  # a name typed by sound while another product is on stage: asked, then answered
            "cl-sound-alike-over-stage",
            [*cl, "sound_alike"],
            EVENING,
            "MZ07",
            turn("保温悲多少钱", ask_back),
            turn("是的", expect("HJ01", "price", [price_at("HJ01", at("20:05:10"))])),
        ),
        case(  # one character names goods the product on stage is not: asked, then answered
            "cl-one-character-goods-over-stage",
            [*cl, "one_character_goods"],
            EVENING,
            "MZ07",
            turn("那这个锅多少钱", ask_back),
            turn("对", expect("HJ07", "price", [price_at("HJ07", at("20:05:10"))])),
        ),
        case(
            "cl-nothing-staged",
            [*cl, "no_stage"],
            EVENING,
            None,
            turn("这个多少钱", ask_back),
            turn("37号", expect("HJ01", "price", [price_at("HJ01", at("20:05:10"))])),
        ),
    ]
    for i, text in enumerate(
        (
            "智趣的多少钱",
            "电小满的多少钱",
            "素肌研的多少钱",
            "光年格的几号链接",
            "花汐的多少钱",
            "雾屿的多少钱",
            "洁净家的多少钱",
            "木与器的多少钱",
        )
    ):
        out.append(ask(f"cl-brand-single-{i}", ["clarify", "ambiguous_name"], text, ask_back))
    return out


def dialogue_cases() -> list[Case]:
    return [*followup_cases(), *stage_switch_cases(), *continued_dialogue_cases(), *clarify_cases()]
