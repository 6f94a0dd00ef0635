"""Other makers' brands: a viewer who names one asks about goods this room may not sell.

"苹果耳机多少钱", "华为手表有没有", "airpods pro多少钱", "膳魔师的保温杯有没有": the goods word after
the brand is the kind the room's own product is (耳机, 手表, 保温杯), so without the brand the line
reads as a question about the product on stage, and its price or stock would be said as the answer
for another maker's goods. ``KNOWN_BRANDS`` is a fixed list of well-known consumer brands sold in
Chinese e-commerce (beauty, clothing, electronics, food, home), the kind every live-commerce
operator meets in danmaku; a brand the operator's catalog carries (a product's brand, name or
alias holds it) is the room's own and never counts. Names that are also everyday words are left
out (美的 "beautiful", 光明 "bright", 荣耀 "glory", 联想 "to associate", 思念 "to miss", 小天才,
骆驼色, 以纯棉), so the list stays a list of makers.

A brand named as what the product works with or is compared with ("苹果手机能用吗", "能连华为吗",
"和兰蔻比呢", "我用的雅诗兰黛") asks about the room's product, and the viewer's own things are not
goods asked for: ``asks_another_brand`` says no there.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.danmaku.vocabulary import CJK
from knowledge.domain import Catalog

_CJK_BRANDS: tuple[str, ...] = (
    # beauty and personal care
    "兰蔻",
    "雅诗兰黛",
    "欧莱雅",
    "资生堂",
    "迪奥",
    "香奈儿",
    "阿玛尼",
    "圣罗兰",
    "娇兰",
    "海蓝之谜",
    "赫莲娜",
    "科颜氏",
    "倩碧",
    "兰芝",
    "雪花秀",
    "悦诗风吟",
    "珀莱雅",
    "薇诺娜",
    "理肤泉",
    "雅漾",
    "修丽可",
    "适乐肤",
    "丝塔芙",
    "芙丽芳丝",
    "珂润",
    "安耐晒",
    "碧柔",
    "曼秀雷敦",
    "妮维雅",
    "百雀羚",
    "自然堂",
    "相宜本草",
    "完美日记",
    "花西子",
    "橘朵",
    "毛戈平",
    "彩棠",
    "植村秀",
    "芭比波朗",
    "魅可",
    "娇韵诗",
    "城野医生",
    "肌肤之钥",
    "黛珂",
    "韩束",
    "欧诗漫",
    "玉泽",
    "润百颜",
    "夸迪",
    "可复美",
    "伊丽莎白雅顿",
    "卡姿兰",
    "卡诗",
    "潘婷",
    "海飞丝",
    "飘柔",
    "沙宣",
    "力士",
    "多芬",
    "舒肤佳",
    "滋源",
    "阿道夫",
    "高露洁",
    "佳洁士",
    "玉兰油",
    "祖玛珑",
    # clothing and shoes
    "优衣库",
    "耐克",
    "阿迪达斯",
    "阿迪",
    "李宁",
    "安踏",
    "特步",
    "鸿星尔克",
    "斯凯奇",
    "彪马",
    "新百伦",
    "匡威",
    "万斯",
    "波司登",
    "雪中飞",
    "高梵",
    "海澜之家",
    "太平鸟",
    "森马",
    "美特斯邦威",
    "拉夏贝尔",
    "歌莉娅",
    "江南布衣",
    "蕉内",
    "南极人",
    "恒源祥",
    "鄂尔多斯",
    "雅戈尔",
    "七匹狼",
    "始祖鸟",
    "加拿大鹅",
    "盟可睐",
    "哥伦比亚",
    "迪卡侬",
    "斐乐",
    "乔丹",
    "回力",
    "百丽",
    "红蜻蜓",
    "奥康",
    "露露乐蒙",
    # electronics
    "苹果",
    "华为",
    "小米",
    "红米",
    "三星",
    "索尼",
    "魅族",
    "戴尔",
    "惠普",
    "华硕",
    "微软",
    "罗技",
    "雷蛇",
    "漫步者",
    "倍思",
    "安克",
    "绿联",
    "公牛",
    "品胜",
    "罗马仕",
    "飞利浦",
    "松下",
    "大疆",
    "佳能",
    "尼康",
    "任天堂",
    "科大讯飞",
    "讯飞",
    "步步高",
    "作业帮",
    "学而思",
    "西门子",
    "森海塞尔",
    "铁三角",
    "天猫精灵",
    # food and drink
    "三只松鼠",
    "良品铺子",
    "百草味",
    "来伊份",
    "洽洽",
    "沃隆",
    "蒙牛",
    "伊利",
    "特仑苏",
    "金典",
    "安慕希",
    "纯甄",
    "君乐宝",
    "认养一头牛",
    "德芙",
    "费列罗",
    "士力架",
    "奥利奥",
    "达利园",
    "好丽友",
    "徐福记",
    "大白兔",
    "褚橙",
    "农夫山泉",
    "娃哈哈",
    "康师傅",
    "卫龙",
    "周黑鸭",
    "煌上煌",
    "久久丫",
    "立顿",
    "八马",
    "大益",
    "小罐茶",
    "张一元",
    "竹叶青",
    "雀巢",
    "星巴克",
    "瑞幸",
    "元气森林",
    "李子柒",
    "白象",
    "今麦郎",
    # home
    "苏泊尔",
    "九阳",
    "格力",
    "海尔",
    "戴森",
    "摩飞",
    "膳魔师",
    "象印",
    "虎牌",
    "乐扣",
    "双立人",
    "富光",
    "哈尔斯",
    "特百惠",
    "蓝月亮",
    "立白",
    "汰渍",
    "威露士",
    "滴露",
    "维达",
    "心相印",
    "洁柔",
    "得宝",
    "罗莱",
    "水星家纺",
    "富安娜",
    "梦洁",
    "全棉时代",
    "宜家",
    "无印良品",
    "网易严选",
    "名创优品",
)
LATIN_BRANDS: tuple[str, ...] = (
    "apple",
    "iphone",
    "ipad",
    "airpods",
    "airpod",
    "macbook",
    "imac",
    "huawei",
    "xiaomi",
    "redmi",
    "samsung",
    "sony",
    "oppo",
    "vivo",
    "oneplus",
    "lenovo",
    "dell",
    "asus",
    "logitech",
    "razer",
    "anker",
    "baseus",
    "ugreen",
    "bose",
    "beats",
    "jbl",
    "sennheiser",
    "dji",
    "canon",
    "nikon",
    "nintendo",
    "xbox",
    "kindle",
    "lancome",
    "loreal",
    "shiseido",
    "dior",
    "chanel",
    "ysl",
    "armani",
    "nars",
    "clinique",
    "kiehls",
    "olay",
    "innisfree",
    "cerave",
    "avene",
    "clarins",
    "sk-ii",
    "skii",
    "sk2",
    "uniqlo",
    "nike",
    "adidas",
    "puma",
    "converse",
    "vans",
    "ugg",
    "skechers",
    "lululemon",
    "fila",
    "zara",
    "dyson",
    "philips",
    "ikea",
    "muji",
    "starbucks",
)
KNOWN_BRANDS: tuple[str, ...] = (*_CJK_BRANDS, *LATIN_BRANDS)

_BRAND_RE = re.compile(
    "|".join(
        [*(re.escape(b) for b in sorted(_CJK_BRANDS, key=len, reverse=True))]
        + [rf"(?<![a-z]){re.escape(b)}(?![a-z])" for b in sorted(LATIN_BRANDS, key=len, reverse=True)]
    )
)
# The brand is what the room's product works with, is compared with or is like ("苹果手机能用吗",
# "能连华为吗", "和兰蔻比呢", "有没有雅诗兰黛那么持妆", "是迪奥的平替吗"): the question is about the
# product, not other goods ("苹果耳机能用多久" asks how long another maker's earphones last).
_WITH_OR_LIKE_RE = re.compile(
    r"比|区别|差别|差不多|一样|那么|那样|不如|同款|平替|替代|代替|像|兼容|适配|适用|支持|通用|"
    r"能用吗|能用不|可以用吗|可以用不|能不能用|用得了|可以吗|行吗|行不行|能接|装得下|放得下|组(?!合|装)|"
    r"连(?!衣|帽|裤)|配(?!送|件|料|方|色|置|套)|充(?!电宝|电器|电头|电线|绒)|吸(?!管|汗|水)"
)
# The viewer's own things or habits ("我用的雅诗兰黛", "之前买过兰蔻的", "我耐克穿42的"), whether the
# product is the brand ("是苹果的吗", "是不是华为的"), or the product on stage called by a brand word
# ("这个ugg有37码吗"): no goods asked for.
_OWN_OR_IS_BEFORE_RE = re.compile(
    r"(?:用|用的|用过|在用|买过|穿|穿的|喝|吃|是|是不是|这个|这款|这双|这件)(?:的是)?$"
)
_OWN_AFTER_RE = re.compile(r"^的?(?:平时|平常|一般|一直|都)?(?:穿|用|喝|吃)")
# A word of its own after the brand word: a flavour, a colour, a body word ("苹果味", "苹果肌", "小米粥").
_NOT_A_MAKER_AFTER_RE = re.compile(r"^(?:味|口味|肌|型|色|醋|汁|派|干|片|粥|级|好评)")
# The viewer's device ("苹果手机能接电话吗", "iphone15", "苹果13"): what the product works with, unless
# its price or stock is asked ("华为手机多少钱").
_DEVICE_AFTER_RE = re.compile(r"^的?(?:手机|电脑|笔记本|平板|\d)")
_DEVICE_BRANDS = frozenset({"iphone", "ipad", "macbook", "imac"})
_PRICE_OR_STOCK_RE = re.compile(r"多少钱|价|有没有|有吗|有货|还有|怎么卖|卖吗|卖不卖")
_CJK_RE = re.compile(CJK)


@lru_cache(maxsize=64)
def _brands_of(names: tuple[str, ...]) -> frozenset[str]:
    """The known brands the catalog itself carries (a product's brand, name or alias holds them)."""
    text = " ".join(names).lower()
    return frozenset(b for b in KNOWN_BRANDS if b in text)


def _catalog_brands(catalog: Catalog) -> frozenset[str]:
    return _brands_of(tuple(n for p in catalog.products for n in (p.name, p.brand or "", *p.aliases)))


def asks_another_brand(normalized: str, catalog: Catalog) -> str:
    """The brand of another maker a (normalised, lower-case) Chinese line asks the goods of
    ("苹果耳机多少钱" -> "苹果", "膳魔师的保温杯有没有" -> "膳魔师"), "" when it names none, names
    one the catalog carries, or names it as what the product works with, is compared with or is
    like, as the viewer's own things or device, as what the product is, or as a word of its own
    ("苹果味")."""
    match = _BRAND_RE.search(normalized)
    if match is None or _WITH_OR_LIKE_RE.search(normalized) or not _CJK_RE.search(normalized):
        return ""
    brand, before, after = match.group(0), normalized[: match.start()], normalized[match.end() :]
    if brand in _catalog_brands(catalog) or _OWN_OR_IS_BEFORE_RE.search(before):
        return ""
    if _OWN_AFTER_RE.match(after) or _NOT_A_MAKER_AFTER_RE.match(after):
        return ""
    device = brand in _DEVICE_BRANDS or _DEVICE_AFTER_RE.match(after) is not None
    if device and not _PRICE_OR_STOCK_RE.search(normalized):
        return ""
    return brand


# Whether the product is a maker's ("这大衣是海澜之家的吗", "是不是小米的", "是象印的还是膳魔师的"):
# the brand after 是 with a question cue; not the viewer's own ("我是iphone11 能磁吸吗": their phone).
_IS_BRAND_ASKED_RE = re.compile(rf"(?<!我)(?:是|是不是)(?:{_BRAND_RE.pattern})(?:的|家的|牌子的?|那个)?")
_QUESTION_CUE_RE = re.compile(rf"吗|嘛|么|呢|还是|是不是|\?|{CJK}不$")
# A likeness, or who makes it for whom ("是兰蔻平替吗", "是不是植村秀代工的", "是漫步者的子品牌吗"):
# the catalog's brand does not say.
_LIKENESS_RE = re.compile(r"平替|同款|一样|像|比|代替|替代|仿|代工|子品牌|旗下|工厂|厂家")


def asks_whether_of_brand(normalized: str) -> bool:
    """Whether a line asks if the product is a named maker's (``_IS_BRAND_ASKED_RE``): the product's
    own brand answers it, whichever brand is named."""
    return (
        _IS_BRAND_ASKED_RE.search(normalized) is not None
        and _QUESTION_CUE_RE.search(normalized) is not None
        and _LIKENESS_RE.search(normalized) is None
    )
