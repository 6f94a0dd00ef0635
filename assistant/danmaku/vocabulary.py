"""The danmaku pipeline's one vocabulary of skin types and the variant words that speak to them.

Slot extraction (which skin type a viewer names), suitability answers (which skin type a catalog's
own text names), clarifying questions between skin variants (控油款 or 保湿款) and the catalog-words
matcher all read these tables, so that "混油", "控油" or "敏感" mean one thing everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# Canonical skin type -> the words a viewer uses for it (longest matched first where read).
SKIN_TYPES: Mapping[str, tuple[str, ...]] = {
    "油皮": ("油皮", "油性", "oily"),
    "干皮": ("干皮", "干性", "dry skin"),
    "敏感肌": ("敏感肌", "敏感皮", "敏感", "sensitive"),
    "混合皮": ("混油", "混干", "混合", "combination"),
    "痘痘肌": ("痘痘肌", "痘肌"),
    "中性皮": ("中性皮",),
}
# The viewer's skin tone, as a regex alternation ("黄皮选哪个色号", "偏黑肤色选哪个"): whom a shade
# suits, never goods (黄皮 the fruit, 黑皮鞋 the shoes) nor a colour of the product (肤色 of tights).
SKIN_TONES = (
    r"冷白皮|黄黑皮|黄二白|黄一白|(?:黄|白|黑)皮肤|"
    # 黄皮 alone only where it is whom a shade suits ("黄皮选哪个", "我是黄皮"), not the fruit's price
    r"(?:黄|白|黑|暖|冷)皮(?=选|适合|用|的人|能|可以|色号|显|涂|擦|姐妹|女生)|"
    r"(?:肤色|皮肤)(?:偏|比较|有点)?(?:黑|黄|白|暗)|偏(?:黑|黄|白|暗)(?:的)?(?:肤色|皮肤)"
)
# Canonical skin type -> how a catalog's own text names it ("适用肤质：敏感肌适用", "油性皮肤"):
# the shortest stem, since operators write the type in many ways.
SKIN_IN_CATALOG_TEXT: Mapping[str, tuple[str, ...]] = {
    "油皮": ("油皮", "油性"),
    "干皮": ("干皮", "干性"),
    "敏感肌": ("敏感",),
    "混合皮": ("混合",),
    "痘痘肌": ("痘",),
    "中性皮": ("中性",),
}
# How a catalog text says a product suits every skin ("所有肤质", "各种肌肤"): it answers for any type.
EVERY_SKIN = ("所有肤质", "各种肤质", "任何肤质", "全肤质", "所有肌肤", "各种肌肤", "各类肤质", "一切肤质")
# A variant word of a SKU spec -> the skin type it is for (控油款 is for 油皮).
VARIANT_SKIN: Mapping[str, str] = {
    "控油": "油皮",
    "清爽": "油皮",
    "保湿": "干皮",
    "滋润": "干皮",
    "舒缓": "敏感肌",
    "修护": "敏感肌",
}
# Mixed skin that leans one way: a viewer saying "混油" is answered as for 油皮's variants.
MIXED_SKIN_LEANS: Mapping[str, str] = {"混油": "油皮", "混干": "干皮"}


# Counters of what is bought or packed ("10个", "三袋", "5片/盒"): a count of them is a quantity,
# never a product name. Weights (斤, 克) are not among them: "2斤" is no count of SKUs.
UNIT_COUNTERS = "个|件|支|瓶|盒|套|份|包|袋|罐|双|只|条|箱|台|组|桶|根|片|颗|粒|块"

# The last character of a name of goods, the noun a shopper buys ("洗发水", "保温壶", "洁面皂"): a name
# span ending in one names goods.
GOODS_HEADS = "水霜乳膜液膏露粉笔机器仪壶杯包鞋袜衣裤裙帽镜表灯线壳巾刷盒锅炉灶枕被毯垫伞链戒皂棉纸"
GOODS_HEAD_WORDS = ("电脑", "平板", "笔记本")  # nouns of goods of several characters a name may end in
# Nouns a viewer names a kind of goods by alone, or with 子 ("这个锅多少钱", "这条裙子多少钱"), each
# with the characters that make a product's name such goods (雪地靴 is a 鞋). Never a part of another
# product (线, 壳, 盒, 灯: an earphone's cable, a keyboard's light), a shade (粉), water (水), a verb
# (包邮, 被), nor the forms of a cosmetic, whose names trade places (洁面乳 is a 洗面奶, 防晒乳 a 防晒霜).
# Makers of Android phones, said where a shopper asks whether goods work with their phone ("华为手机能
# 用吗", "小米能连吗"): the catalog says 安卓 ("支持iOS和安卓手机").
ANDROID_MAKERS = (
    "华为",
    "小米",
    "红米",
    "荣耀",
    "oppo",
    "vivo",
    "三星",
    "一加",
    "魅族",
    "realme",
    "iqoo",
    "真我",
)

# Clothes named by a general word ("主播穿的衣服", "这件衣服", "这个外套"), and the characters that
# make a product's category or name one of clothes ("服饰", "开衫", "羽绒服", "雪地靴"): a line that
# asks of clothes is never about a product on stage that is none.
CLOTHES_WORDS_RE = re.compile(r"衣服|衣裳|外套|上衣|穿的")
# The characters of garments in a product's name ("羽绒服", "开衫", "牛仔裤"; not "雪地靴", "围巾"), and
# the general words for them ("衣服包邮吗" in a fashion room: the garment presented, never boots).
GARMENT_CHARACTERS = "服衣衫裤裙"
ANY_CLOTHES_WORDS = ("衣服", "衣裳")
CLOTHES_KIND_CHARACTERS = GARMENT_CHARACTERS + "装鞋靴袜帽巾"

ONE_CHARACTER_GOODS: Mapping[str, str] = {
    "锅": "锅",
    "鞋": "鞋靴",
    "靴": "靴",
    "伞": "伞",
    "壶": "壶",
    "杯": "杯",
    "帽": "帽",
    "裙": "裙",
    "裤": "裤",
    "袜": "袜",
    "皂": "皂",
    "笔": "笔",
    "表": "表",
    "枕": "枕",
}

# The forms of a cosmetic whose names trade places: a 防晒乳 is a 防晒霜, a 洁面乳 a 洗面奶.
INTERCHANGEABLE_FORMS = "霜乳露奶"

# A warranty or repairs ("保修多久", "全国联保吗", "能免费修吗"; 修 of 修改, 修身 is no repair): the
# after-sales intent's words for them and the check that a policy must state one to answer.
WARRANTY = r"保修|质保|保固|维修|修理|返修|联保|(?:免费|能|可以|给|包)修(?!改|身|饰|复|图)"
# States of goods a return may hinge on, each with the words for it ("拆封了还能退吗", "穿过一次能退吗"):
# an after-sales question naming one is answered only by a policy whose notes speak of it.
GOODS_STATES: Mapping[str, tuple[str, ...]] = {
    "opened": ("拆封", "拆开", "开封", "打开", "激活", "开过", "拆了", "拆过"),
    "used": ("用过", "穿过", "洗过", "吃过", "试过", "戴过", "使用过", "用了", "穿了", "洗了"),
    "tag": ("吊牌",),
}
# A laugh typed in a line ("哈哈", "笑死"): chatter to the triage, and a joke rather than goods gone wrong.
LAUGH = r"哈哈|嘿嘿|hhh|笑死"
# Words that acknowledge what was said before a question ("好滴 能退吗", "嗯嗯 几天发货"): no name of goods.
ACKNOWLEDGEMENTS = r"好(?:滴|哒|嘞|叻|吧|呀|啊|嘛)|嗯+|恩+|哦+|噢+|喔+|额+|呃+|谢谢|多谢|明白了?|知道了"
# Cities of the provinces shops most often leave out of shipping or free shipping, by province: a
# viewer names the city ("发拉萨吗", "乌鲁木齐包邮吗") where the catalog lists the province. Names that
# are also common words are left out (阿里 the company, 白银 the metal, 山南, 玉树, 万宁 the chain).
CITY_PROVINCES: Mapping[str, str] = {
    **dict.fromkeys(
        (
            *("乌鲁木齐", "克拉玛依", "吐鲁番", "哈密", "昌吉", "库尔勒", "阿克苏", "喀什", "和田"),
            *("伊宁", "伊犁", "塔城", "阿勒泰", "石河子", "奎屯"),
        ),
        "新疆",
    ),
    **dict.fromkeys(("拉萨", "日喀则", "昌都", "林芝"), "西藏"),
    **dict.fromkeys(("西宁", "格尔木", "德令哈"), "青海"),
    **dict.fromkeys(
        (
            *("呼和浩特", "包头", "乌海", "赤峰", "通辽", "鄂尔多斯", "呼伦贝尔", "巴彦淖尔", "乌兰察布"),
            *("海拉尔", "满洲里", "锡林浩特", "二连浩特"),
        ),
        "内蒙古",
    ),
    **dict.fromkeys(("银川", "石嘴山", "吴忠", "固原"), "宁夏"),
    **dict.fromkeys(("兰州", "嘉峪关", "天水", "武威", "张掖", "酒泉", "敦煌"), "甘肃"),
    **dict.fromkeys(("海口", "三亚", "儋州"), "海南"),
}


# What a city's name is part of when it names goods or a dish ("哈密瓜", "兰州拉面", "面包头"): no city.
_CITY_IN_A_WORD = {
    "哈密": r"(?!瓜)",
    "兰州": r"(?!拉面|牛肉)",
    "阿克苏": r"(?!苹果|冰糖)",
    "库尔勒": r"(?!香梨)",
    "和田": r"(?!玉|枣)",
    "吐鲁番": r"(?!葡萄)",
    "包头": r"(?<!面包头)",
    "伊犁": r"(?!马)",
}


def city_pattern() -> str:
    """A regex alternation of ``CITY_PROVINCES``, longest first, each city not where it is part of
    a word of goods or a dish (``_CITY_IN_A_WORD``: "哈密瓜味的呢" names no city)."""
    cities = sorted(CITY_PROVINCES, key=len, reverse=True)
    return "|".join(f"{city}{_CITY_IN_A_WORD.get(city, '')}" for city in cities)


def province_of(region: str) -> str:
    """The province of a region slot: a city's (``CITY_PROVINCES``), else the region itself."""
    return CITY_PROVINCES.get(region, region)


# The body's girths a size chart may go by (腰围 for jeans, 臀围 for underwear), as a regex alternation.
GIRTHS = "腰围|臀围|胸围"
# Who a version is cut for, as viewers ask it ("有男款吗", "有没有女士的") and as names state it
# ("羽绒服 女款", "男士双面羊毛大衣"): the version's gender and the words that name it.
GENDER_WORDS: Mapping[str, tuple[str, ...]] = {
    "男": ("男款", "男士", "男式", "男生款", "男装"),
    "女": ("女款", "女士", "女式", "女生款", "女装"),
}
# Who a live room's viewers address ("宝宝们", "姐妹们", "家人们"): never what is asked about ("宝宝能吃吗"
# asks for a baby: 宝宝 addresses only as 宝宝们). A regex alternation.
# A Chinese character, and an A-not-A question ("起球不起球", "掉色不掉色"; group 1 is A), as regexes.
CJK = r"[\u4e00-\u9fff]"
A_NOT_A = rf"({CJK}{{1,2}})不\1"
ADDRESSED_VIEWERS = r"宝宝们|姐妹们?|家人们?|集美们?|老铁们?|亲们|亲爱的"

# 几 that asks how many or which ("几号", "几天到"), not the 几 of 前几天, 好几次, 十几块 or 几乎.
ASKING_JI = r"(?<![前这好那没十])几(?!乎)"

# Properties of a fabric or filling asked yes or no ("起球吗", "透气吗"): its composition does not
# answer them; only a text of the product that names the property does.
FABRIC_PROPERTIES = "起球|掉色|褪色|掉毛|钻绒|跑绒|缩水|变形|透气|闷热"

# Words shoppers use for one thing, each to the word a catalog's FAQ is likelier to use ("会不会掉色"
# asks the FAQ "会褪色吗"): read the same on both sides when an FAQ question is matched.
SAME_THING: Mapping[str, str] = {
    "掉色": "褪色",
    "脱色": "褪色",
    "钻毛": "钻绒",
    "跑绒": "钻绒",
    "跑毛": "钻绒",
    "左撇子": "左手",
    "减肥": "减脂",
    "白天": "早上",  # of skin care: the day's routine
    "能涂": "能用",
    "可以涂": "可以用",
    "扔洗衣机": "机洗",
    "洗衣机洗": "机洗",
    "洗衣机": "机洗",
    "冬天": "冬季",  # the seasons, as attributes name them ("8斤适合北方冬季")
    "夏天": "夏季",
    "春天": "春季",
    "秋天": "秋季",
}


_SAME_THING_RE = re.compile("|".join(sorted(SAME_THING, key=len, reverse=True)))


def in_catalog_words(text: str) -> str:
    """``text`` with shoppers' words for one thing replaced by the catalog's (``SAME_THING``)."""
    return _SAME_THING_RE.sub(lambda m: SAME_THING[m.group(0)], text)


def skin_of_word(word: str) -> str | None:
    """The canonical skin type a viewer's word names ("敏感" -> "敏感肌"), or None."""
    return next((skin for skin, words in SKIN_TYPES.items() if word in words), None)


def variant_words_for(skin: str) -> tuple[str, ...]:
    """The variant words made for a skin type ("油皮" -> 控油, 清爽)."""
    return tuple(w for w, s in VARIANT_SKIN.items() if s == skin)


def _variant_words() -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for mixed, leans in MIXED_SKIN_LEANS.items():  # 油皮, 混油, 干皮, 混干: the clarifying order
        out[leans] = (*variant_words_for(leans), leans)
        out[mixed] = variant_words_for(leans)
    return out


# A skin type (or a mixed one) -> the spec words of the variants made for it, itself included
# ("油皮": 控油, 清爽, 油皮): how a product's SKUs are told apart by skin in a clarifying question.
SKIN_VARIANT_WORDS: Mapping[str, tuple[str, ...]] = _variant_words()


# Words that ask the opposite of each other: a text that says one answers no question that says the
# other ("南方冬天建议6斤" is no answer to "北方冬天盖几斤").
OPPOSITES: tuple[tuple[str, str], ...] = (
    ("南方", "北方"),
    ("冬天", "夏天"),
    ("冬季", "夏季"),
    ("男款", "女款"),
    ("男士", "女士"),
    ("男生", "女生"),
)


def contradicts(stated: str, asked: str) -> bool:
    """Whether ``stated`` says one of a pair of ``OPPOSITES`` that ``asked`` asks the other of,
    without saying that other too."""
    return any(
        (a in stated and b in asked and b not in stated) or (b in stated and a in asked and a not in stated)
        for a, b in OPPOSITES
    )
