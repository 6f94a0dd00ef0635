"""Intent and slots of a danmaku question, and how it refers to a product.

``understand(text)`` runs the whole language side of the pipeline on one danmaku: normalise,
triage, and for questions the intent, slots and language. It is pure and fast (~50-100 µs): an
ordered list of precompiled regexes, first match wins. The order encodes the priorities:

    PRICE_PROTECTION > FLASH_SALE > AFTER_SALES > DISCOUNT > SHIPPING > STOCK > SIZE > VARIANT
    > MATERIAL > SUITABILITY > USAGE > HOW_TO_ORDER (explicit) > PRICE > HOW_TO_ORDER (a bare
    link mention) > PRICE (a bare 多少 closing the question) > OTHER

so "降价了能退差价吗" is PRICE_PROTECTION (not PRICE), "秒杀价多少" FLASH_SALE, "运费险" AFTER_SALES
(not SHIPPING), "XL还有吗" STOCK, "3号链接多少钱" PRICE. A version come back in stock ("黑色M到货没")
is STOCK before every rule (no parcel of the viewer's). A question naming a height or weight
with no stronger intent is SIZE. A fragment that only names a variant ("那黑色的呢") has no intent
of its own: it is OTHER with the colour slot, and ``is_followup_reference`` is true, so the
dialogue layer can reuse the viewer's previous intent with the new slot.

Slot extraction lives in ``assistant.danmaku.slot_rules`` (``extract_slots``, re-exported here).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from assistant.danmaku.normalize import detect_language, normalize
from assistant.danmaku.purchase_told import tells_a_purchase, tells_a_receipt
from assistant.danmaku.slot_rules import DATED_SALE, REGIONS, extract_slots, strip_slot_words
from assistant.danmaku.triage import has_question_cue, is_question, pieces, triage
from assistant.danmaku.types import Intent, Slots, Triage, Understanding
from assistant.danmaku.vocabulary import (
    A_NOT_A,
    ACKNOWLEDGEMENTS,
    ADDRESSED_VIEWERS,
    ASKING_JI,
    FABRIC_PROPERTIES,
    GOODS_HEAD_WORDS,
    GOODS_HEADS,
    LAUGH,
    ONE_CHARACTER_GOODS,
    SKIN_TONES,
    UNIT_COUNTERS,
    WARRANTY,
)

__all__ = [
    "ProductRef",
    "about_own_order",
    "as_question",
    "asks_a_procedure",
    "asks_as_a_condition",
    "asks_list_price",
    "asks_value",
    "asks_warranty",
    "asks_whether_sold",
    "asks_which_link",
    "classify_intent",
    "extract_product_reference",
    "extract_slots",
    "goods_head",
    "is_followup_reference",
    "mentions_a_fault",
    "names_another_day",
    "reports_a_problem",
    "ships_from",
    "sold_thing",
    "thing_asked_for",
    "understand",
]

# The list price asked for, not the price now ("原价多少", "划线价是多少"); "原价买的能退吗" asks no price
_LIST_PRICE = (
    r"(原价|划线价)(是|要|大概|一般)?(多少|几|啥|什么价)|原来(卖)?多少钱|原来的价(格|钱)?(是)?多少"
    r"|(original|list) price|rrp|msrp"
)
# Time left ("还剩多久", "还有几个小时"): a countdown or a warranty's remaining time, never stock.
_TIME_LEFT = r"多久|多长时间|多少时间|几天|几个?小时|几个?钟|几分|几秒|时间"
# Before a word of damage ("坏了", "碎了"), what makes it a feeling instead: "开心坏了", "乐坏了",
# "心都碎了" (not "用坏了", "不小心坏了": goods broken).
_NO_FEELING = r"(?<!开心)(?<!高兴)(?<![乐笑累饿气急美])(?<!心都)"

# A price said back to be checked: an amount of two digits or more asked as the price now.
# "是" alone before a number asks of a spec or a size as often ("内胆是316吗", "是37吗"): only with 元/块.
_PRICE_CHECKED = (
    r"(?:还|能|也|就|只要|才)\s*¥?(\d{2,}(?:\.\d+)?)\s*(?:元|块)?\s*(?:吗|嘛|么|不|\?)"
    r"|是\s*¥?(\d{2,}(?:\.\d+)?)\s*(?:元|块)\s*(?:吗|嘛|么|\?)"
    r"|是不是(?:也|还|就)\s*¥?(\d{2,}(?:\.\d+)?)(?=\s*(?:元|块|$|[?!.吗呢啊呀]))"
)
_PRICE_CHECKED_RE = re.compile(_PRICE_CHECKED)
# Which version is the better buy, or whether one is ("哪个划算", "双支装划算吗", "单支便宜还是双支便宜",
# "买哪个更省钱"): the versions' prices, each per gram or piece, answer it (``unit_prices``); which is
# better ("哪个好") stays a judgement for a person. "X还是Y便宜" compares versions only where Y names
# one (a count, a pack, a size: "还是双支便宜"), not another shop or day ("还是拼多多便宜", "还是之前便宜");
# 省 alone is a province or 省事 ("哪个省发货").
_VALUE_ASKED = (
    r"(?:哪个|哪款|哪种|哪一?个规格|买哪个|拍哪个|选哪个)(?:更|比较|最)?(?:划算|便宜|实惠|合算|省钱)"
    r"|(?<![不没])(?:划算|合算|实惠)(?:吗|嘛|么|不|\?)"
    r"|还是(?![^,.!?\s]{0,8}(?:等|去|超市|店|网上|别家|天|会员|单划算))[^,.!?\s]{0,6}?"
    r"(?:\d|单(?:支|个|瓶|件|买|品)|[双两三四五六七八九十](?:支|个|瓶|件|盒|包|袋|片|罐|装)|装|款|色|码|ml|g|瓶|盒|包|袋)"
    r"[^,.!?\s]{0,6}?(?<!不)(?:划算|合算|实惠|便宜|省钱)(?:吗|嘛|呢|\?|$)"
    r"|性价比(?:高|怎么样|咋样|如何)?(?:吗|嘛|不|么|\?)|性价比高不高|性价比(?:怎么样|咋样|如何)"
    # how much one version saves against another of the room ("两支装比买两个单支便宜多少钱",
    # "双支装能省多少"), not against another shop, day or price ("比别家便宜多少", "比原价便宜多少")
    r"|比(?![^,.!?\s]{0,8}(?:家|店|超市|网上|官方|旗舰|天|昨|前|上次|直播|原价|划线|专柜|日常|平时|外面|别人|刚才|以前|之前|"
    r"淘宝|京东|拼多多|抖音|实体))"
    r"[^,.!?\s]{1,10}?(?:便宜|省|实惠)了?(?:多少|几块)"
    r"|(?:装|单支|单个|单买)的?(?:能|可以|会)?(?:便宜|省)了?(?:多少|几块)"
)
_VALUE_ASKED_RE = re.compile(_VALUE_ASKED)
# Every version's price asked at once ("规格价格都说下", "各规格多少钱").
_VERSIONS_PRICED = (
    r"规格.{0,4}(?:价格|价钱|多少钱)|(?:价格|价钱).{0,4}规格|各(?:个|种)?(?:规格|款).{0,3}(?:多少|价)"
)

# How long goods take to a place ("济南到北京需要多久", "到我们这边要几天"): a shipping question.
_TO_A_PLACE = (
    rf"到(?:{REGIONS}|我们?这边?|我这|我家)[^,.!?\s高铁火飞开坐走打骑]{{0,4}}?(?:多久|几天|多长时间)"
)

_RULES: tuple[tuple[Intent, re.Pattern[str]], ...] = tuple(
    (intent, re.compile(pattern))
    for intent, pattern in (
        (
            Intent.PRICE_PROTECTION,
            r"保价|价保|价格保护|退差价|补差价|差价|(降价|便宜了|掉价|降了).{0,6}(怎么办|退|补|吗|呢)|便宜\d+.{0,6}(退|补)|买贵了|"
            r"(会不会|还会|会)再?降价|再降价|价格?(会不会|还会)再?降"
            r"|price (protection|match|drop)|prices? (drops?|goes down)",
        ),
        # the list price ("秒杀结束后原价多少") is a price question whatever sale is named beside it
        (Intent.PRICE, _LIST_PRICE),
        # a price said back to be checked ("现在还89吗", "还能199吗", "是不是也89"): what it costs now
        (Intent.PRICE, _PRICE_CHECKED),
        (
            Intent.FLASH_SALE,
            # 秒 and 抢 as verbs of a flash sale ("墨黑能秒吗", "秒开始了吗", "黑M还能抢吗"), not 秒回, 3秒,
            # nor a coupon or a red packet snatched ("券还能抢吗")
            r"秒杀|抢购|开抢|倒计时|限时|限量|(?:能|还能|可以|还可以|开始|去)秒(?=吗|嘛|不|了没|了吗|到)"
            r"|(?<!\d)秒(?:开始|开了|结束)|(?<![券包袋])(?<![券包袋]还)(?:还能|还可以|能|可以)抢(?=吗|嘛|不|到)"
            r"|flash|countdown|how long (is )?left|when does (the|it) (sale )?(end|start)|time left",
        ),
        (
            Intent.AFTER_SALES,
            # 换 of goods or sizes ("能换吗", "可以换个颜色吗"), not of a song or a view ("能换个角度吗")
            r"退货|退换|能退|可以退|退吗|怎么退|退款|换货|(?:能|可以)换(?=货|码|色|颜色|尺码|尺寸|大|小|新|成|别的|"
            r"一件|一个|一下|个(?:码|颜色|尺码|新的|大|小)|吗|么|嘛|不|呢|\?|$)|"
            rf"运费险|{WARRANTY}|售后|无理由|假一赔|{_NO_FEELING}坏了|"
            # who pays the postage of goods sent back ("退回来运费谁付", "换码运费谁出", "寄回的运费")
            r"(?:退回|寄回(?!老?家)|换码|换尺码|换个码|换大|换小|换色|换颜色|换个颜色)[^,.!?\s]{0,4}(?:运费|邮费)"
            # or compensates it for a fault ("质量问题运费谁承担", "运费能赔吗"), or asked of a return
            # ("退的时候要运费吗")
            r"|赔付?运费|运费.{0,3}(?:赔|报销)|质量问题[^?!]{0,12}(?:运费|邮费)|退(?:货|回)?的时候.{0,3}(?:运费|邮费)"
            r"|(?<![a-z])(returns?|refunds?|warranty|exchange|guarantee)(?![a-z])",
        ),
        (
            Intent.PRICE,
            r"用券.{0,4}(多少|几|什么价)|券后.{0,2}(多少|价)|到手价|到手多少|咋卖|怎么卖|"
            r"只要\d+(\.\d+)?(元|块)|\d+(\.\d+)?(元|块钱?|块)(是)?真的|真的只要|"
            # a price asked by its amount ("还能89吗", "现在是129吗", "还是359不")
            r"(?:还能|还是|现在是|现在还是|能买到|是不是)\s*\d+(?:\.\d+)?\s*(?:元|块钱?)?(?:吗|么|不|嘛|\?|$)",
        ),
        (
            # not 福袋 / 抽奖: the host's giveaways, no promotion of the catalog ("福袋几点开" is chat)
            Intent.DISCOUNT,
            r"优惠|券|便宜点|便宜些|便宜一点|便宜吗|打折|折扣|几折|满减|满\d+减|减多少|红包|赠品|小样|试用装|送什么|有赠|"
            r"有送|送不送|活动|discount|coupon|promo|deal|on sale|(?<![a-z])off(?![a-z])|cheaper",
        ),
        (
            Intent.SHIPPING,
            r"包邮|邮费|(?<!运)运费(?!险)|快递|物流|发货|(?<!头)发什么|送达|(几天|多久|什么时候|几号|哪天|今天|明天|后天)(能|可以|就能|会)?收?到(?!期|账)|今天发|明天发|"
            r"发吗|能发|发不发|寄|配送|送到|偏远|顺丰|中通|圆通|韵达|申通|京东|预售|到货|什么时候发|现货|"
            # "橙子发西藏吗", "能到青海吗"
            rf"发(?:到|往)?(?:{REGIONS})|(?:能|可以)(?:寄|送|发)?到(?:{REGIONS})"
            rf"|(?:{REGIONS}).{{0,2}}(?:能|可以)(?:收)?到(?:吗|不|么|嘛)"  # "青海能到不"
            rf"|{_TO_A_PLACE}"  # how long goods take to a place ("济南到北京需要多久")
            r"|ship|deliver|(?<![a-z])post(age)?(?![a-z])|arrive|courier",
        ),
        # which version is the better buy, or every version's price ("哪个划算", "规格价格都说下"):
        # after the sale's own words ("用券划算吗" asks the coupon, "买哪个省运费" the shipping)
        (Intent.PRICE, f"{_VALUE_ASKED}|{_VERSIONS_PRICED}"),
        # "还有多久" is a countdown only when no other topic is named ("保修还有多久" is a warranty)
        (Intent.FLASH_SALE, r"几点开始|还有多久|多久结束|什么时候结束|几点结束|还剩几分|还有几分钟|剩几分钟"),
        (
            Intent.STOCK,
            # time left (``_TIME_LEFT``: "还剩多久", "还剩几分钟") is a countdown, not stock
            r"还有吗|还有没有|还有货|有货|没货|缺货|库存|补货|售罄|卖完|抢完|断码|"
            rf"还剩(?!{_TIME_LEFT})|剩(多少|几)(?!{_TIME_LEFT}|天|个?小时|个?钟|分|秒)|还能买|"
            # a count left, closing its clause ("6+128的还有几台", "还有多少"; not "还有几个订单")
            # ("后面还有几个" asks what the show has still to come)
            r"(?<!后面|下面|前面|今晚|等下|一会)还有(?:几|多少)(?:台|件|个|双|瓶|盒|套|支|包|袋|份|箱|条|只|罐|床)?"
            r"(?=$|[?!,.\s]|了|呀|啊|呢|吗|哦)|"
            r"还有(xxxl|xxl|xl|xs|[sml]|\d?xl|\d{2,3}码|.{1,4}色)|\d{2,3}码?(还有|有吗|有没有)|色(还有|有吗|有没有)|(?<=..)有没有$|(xxxl|xxl|xl|xs|(?<![a-z])[sml]|\d?xl)码?(还有|有吗|有没有)"
            r"|有(xxxl|xxl|xl|xs|[sml]|\d?xl)码?(吗|的吗)"
            r"|in stock|out of stock|sold out|restock|available|left in",
        ),
        (
            Intent.SIZE,
            r"尺码|码数|码子|多大码|什么码|哪个码|几码|穿.{0,3}(什么|哪个|几)码|偏大|偏小|偏码|正码|合身|宽松吗|尺寸|"
            r"(?<![a-z])(xxxl|xxl|xl|xs|[sml])码|多少斤|身高|体重|\d+斤|\d+(\.\d)?kg|\d{3}cm|1米\d|\d{3}/\d{2,3}|平时穿|穿\d{2,3}码?|"
            r"(?<![a-z])(size|fit|fits|tall|weigh|small|large)(?![a-z])",
        ),
        # ordering a colour or version ("怎么拍两件不同颜色", "黑色怎么买", "拍下备注颜色可以吗") asks how
        # to order, before the colour rule; a skin ("干皮怎么拍") or a size is read by its own rule
        (
            Intent.HOW_TO_ORDER,
            r"怎么(?:买|拍|下单)[^,.!?\s]{0,6}(?:颜色|色|款|规格|版)|(?:颜色|色|款|规格|版)[^,.!?\s]{0,4}"
            r"怎么(?:买|拍|下单)|(?:下单|拍下|拍的时候)(?:能|可以)?备注",
        ),
        (
            Intent.VARIANT,
            r"颜色|色号|什么色|哪个色|色还是[\u4e00-\u9fff]{1,2}色|区别|差别|有何不同|有什么不同|几个色|几种色|有.{0,4}色(的)?吗|有没有.{0,4}色|显白|款式|几个款|几款|"
            r"口味|味道|规格|容量|大瓶|小瓶|多少ml|多少毫升|有没有.{1,4}(款|装|版)|有.{1,4}(款|装|版)吗|"
            r"有什么.{0,3}(味|香|色|款)|有哪(几|些)(种|款|个)|有几种|有.{1,4}(味|带)的?(吗|嘛)|有.{1,4}的(吗|嘛)"
            r"|colou?rs?|variants?|flavou?rs?|options",
        ),
        (
            Intent.MATERIAL,
            r"面料|材质|材料|什么料|料子|纯棉(?!T|t|衫|裤)|棉的|含棉|含绒|绒量|羊毛(?!大衣|围巾|衫|裤|被)|真丝(?!衫|裙)|"
            r"成分|配料|配方|"
            rf"{FABRIC_PROPERTIES}|"
            # ("厚不厚重" asks how heavy a cream feels: its texture, not what it is made of)
            r"厚不厚(?!重)|薄不薄|厚吗|薄吗|含量|填充|填的|什么皮|皮的吗|真皮|什么木|木头|什么做的|什么材"
            r"|material|fabric|cotton|wool|ingredients|made of",
        ),
        (
            Intent.SUITABILITY,
            r"敏感肌|油皮|干皮|混油|混干|混合皮|痘痘肌|痘肌|孕妇|孕期|怀孕|哺乳|宝宝(?!们)|婴儿|儿童|小孩|孩子|老人|"
            r"几岁|多大的孩子|适合|适用|能用吗|可以用吗|能吃吗|可以吃吗|男生|女生|学生"
            r"|suitable|sensitive|oily|dry skin|pregnan|kids|children|baby|elderly",
        ),
        (
            Intent.USAGE,
            r"怎么用|如何用|如何使用|用法|使用方法|怎么使用|用几次|几次|用量|(一次|每次)?(用|挤|抹|涂|放)多少|多久.{0,3}一次|一次.{0,3}几|放几|敷几|怎么洗|机洗|手洗|水洗|干洗|怎么吃|"
            r"怎么穿|怎么搭|搭配|上飞机|怎么保存|怎么泡|how (do i |to )?(use|wash|apply)|usage|instructions",
        ),
        (
            Intent.HOW_TO_ORDER,
            r"怎么买|怎么拍|怎么下单|在哪买|哪里买|去哪买|在哪拍|链接在哪|几号链接|哪个链接|链接呢|上链接|求链接|"
            r"拍哪个|拍几号|买哪个|在几号|(?<!今天|明天|昨天|后天|日子|日期)是几号(?!了)"
            r"|how (do i |to |can i )?(buy|order|purchase)|where (to|can i|do i) buy",
        ),
        # a judgement between products or versions ("这个和2号哪个好"): no template answers it
        (Intent.OTHER, r"哪个(更)?好|哪款(更)?好|哪个(更)?值|哪个(更)?适合"),
        # "一盒有几块" counts pieces: 有 before 几块 asks how many, not how much
        (
            Intent.PRICE,
            r"多少钱|什么价|价格|价钱|价位|(?<!有)几块|几元|单价|贵|多少[一1]|how much|price|cost",
        ),
        # a link pasted (the anonymised "[链接x]" of a service chat) asks for none, nor does a link named
        # as the product asked of ("35号链接的牛奶是哪里产的", "3号链接防水吗"): the words after it ask
        (
            Intent.HOW_TO_ORDER,
            r"(?<!\[)(?<!\d号)链接(?!x\]|的)|\d+号链接(?=[呢吗么嘛?!.,~\s啊呀哦]*$|在哪|呢|[^,.!?\s]{0,4}(?:拍|买|下单|抢))|"
            r"链接的(?:呢|在哪)|"
            r"小黄车|购物车|(?<![a-z])(link|buy)(?![a-z])",
        ),
        # a bare 多少 asks the price only where nothing follows it: "多少粉丝" / "多少平米" / "多少票"
        # count something else; so does a count of what was done ("卖了多少", "吃多少", "赢了多少")
        (Intent.PRICE, r"(?<![了吃喝睡玩打跑赢输考抽刷])多少(?=$|[?!.,~\s吗呀啊呢啦嘛哇哦]|\[)"),
    )
)


# Bought, paid or received (the verb of an own-order phrase: "我买的", "三天前拍的"), and goods sent wrong.
_BOUGHT = r"(?:买|拍|下单|下了单|下的单|付款|付了|收到|签收|退回|申请)(?:了|的|过)"
_SENT_WRONG = "发错|少发|漏发|错发"
# A purchase some time ago or before a sale ("我三天前买的", "我是618前买的", "一年前拍的"), or the
# wrong one ordered ("我拍错颜色了"); never as a condition ("万一我买错了能换吗", "活动前拍的话").
_BOUGHT_BEFORE_RE = re.compile(
    r"(?:前几天|前两天|前些天|前阵子|[\d一二两三四五六七八九十几半]+(?:天|周|个?星期|个?礼拜|个?月|年|个?小时)"
    rf"(?:之)?前|(?:618|双十一|双11|双十二|双12|大促|活动)(?:之)?前)(?:就|才|都)?{_BOUGHT}|"
    r"我(?:刚|刚刚|不小心)?(?:拍|买|下单|选|填)错"
)

# The viewer demanding in the first person ("我要退货", "我要求退款").
_I_DEMAND = (
    r"我要(?:申请|办理?)(?:售后|退货|退款|换货|保价|价保|维修|保修)|我要(?:退|换|求|投诉)|"
    r"我[^,.!?\s]{0,4}要(?:保修|维修|返修)|我要(?:保价|价保|补差)(?![吗么嘛])|我要求"
)
# A complaint ("要投诉", "客服不理"), a demand ("给我换一个"), goods not arrived ("还没到"): the viewer's
# own matter, and something wrong when told as a statement (``_PROBLEM_RE``).
_COMPLAINT = r"投诉|12315|消协|维权|客服不理|(?:客服|你们)不回"
# What the viewer demands for goods they have ("给我换一个", "想退 还没拆", "要退货"), never leaving
# the room, the internet or a colour to be shown ("想退出", "要退网了", "想换个颜色看看").
_DEMAND = (
    r"给我(?:退|换|补|赔)|(?:退|赔)我|补我(?!.{0,3}(?:券|红包|福袋))|"
    # a price difference demanded bare ("退差价!", "主播退一下差价"), never asked of the policy
    # ("能退差价吗", "降价了会退差价吗")
    r"(?:^|[,.!?\s])(?:主播)?(?:快|赶紧)?(?:退|补)(?:一下|下)?差价[!.~\s啊呀吧]*$|"
    r"(?:想|要|申请)(?:退|换)(?!出|休|网|圈|群|个颜色|个色|一下颜色|个角度)"
)
_NOT_ARRIVED = (
    r"还没(?:到|发|收到|送)(?!家|公司|学校|单位|地方|时间|点|岁|年龄|下班|放假)"  # "还没到家": life
    # "怎么还不发货"; not a giveaway, a coupon or a link the host has not sent ("还不发福袋", "还不发车")
    r"|还不(?:给我)?(?:发|寄|送)(?![^,.!?\s]{0,3}(?:链接|券|福袋|红包|福利|抽奖|赠品|小样|口令|车|运费险))"
)
# A link that will not open or let the viewer buy ("3号链接打不开", "链接怎么没了", "链接拍不了"): the
# viewer's purchase blocked, a person's to look at.
_LINK_FAULT = (
    r"链接.{0,3}(?:打不开|点不进|点不开|进不去|卡了|卡住|失效|不见了|没了|没有了|拍不了|买不了|下不了单|"
    r"付不了款|拍不上)"
)
# A line about the viewer's own order, purchase or claim ("我买的…怎么还没到", "退我30块", "订单显示
# 签收了"): a person must look it up, so no catalog template ever answers it ("我的皮肤" is no order).
_OWN_ORDER_RE = re.compile(
    r"订单(?:编?号|显示|状态|信息|里|上|已|还|一直|怎么)|单号|运单|服务单|售后单|返修|"
    r"我的(?:订单|单|货|快递|包裹|东西|退款|商品|宝贝|件|钱|款)|"
    rf"(?:我|已经|刚|刚刚|昨天|前天|之前|上次|上回|上周|上个?月|那天|\d{{1,2}}号)(?:就|才|都)?{_BOUGHT}|"
    # last year's purchase from this shop ("去年在你家买的"; not "去年买的别家的")
    rf"(?:去年|前年)(?:在(?:你家|你们家|这|这里|直播间))?(?:就|才|都)?{_BOUGHT}(?!别家|别人家|其他家)|"
    rf"{_DEMAND}|退给我|帮我(?:查|退|改|取消|催|看看|看下)|{_I_DEMAND}|催一?下|"
    # a complaint, a parcel stuck or lost ("要投诉", "物流三天没动了")
    rf"{_COMPLAINT}|(?:物流|快递|包裹|订单).{{0,6}}(?:没动|不动|没更新|不更新|不见了|找不到|卡住|被取消)|"
    # goods received ("收到的", "收到货发现…", "才收到货就漏了", "收到货了吧"; not a time for them to come:
    # "什么时候能收到货", "几天收到货", "多久收到货")
    rf"没收到|{_NOT_ARRIVED}|收到(?:的|了)|(?<![能会以久候])(?<!几天)(?<!多少天)(?<!哪天)收到货|收到货了|"
    # an order or request under review ("订单审核要多久"; not "发弹幕要审核吗"), chasing or changing it
    # ("怎么催发货", "能改发京东吗"), goods sent wrong, the skin's reaction after use ("少发了一支",
    # "用了脸红了"; not "用了会过敏吗", a question before buying)
    r"(?:订单|退款|售后|申请|退货|换货|保价|发货|资料).{0,4}审核|审核.{0,4}(?:订单|退款|申请)|多久审核|"
    rf"(?<!不)催|改(?:发|寄|地址|收货)|(?:{_SENT_WRONG})了?|"
    # the viewer's orders counted or merged, the address typed wrong ("拍了两单能合并发吗", "地址填错了")
    r"(?:拍|下|付)了(?:两|2|三|3|几|好几|多)(?:单|个订单)|(?:两|2|三|3|几|好几)个订单|合并(?:发|付|下单)|合单|"
    r"(?:地址|电话|手机号|收货人|名字).{0,3}(?:填|写|选)错|"
    # what the viewer looked up of their order ("我查了物流", "我这边查订单还没发")
    r"我(?:这边)?查(?:询|了|到|看)?.{0,4}(?:物流|快递|订单|单号|包裹|进度|记录|降价|差价)|"
    r"用了(?![^,.!?\s]{0,4}会)[^,.!?\s]{0,4}(?:红|痒|痘|过敏|刺痛|疹)|"
    # the time left on a purchase's warranty or return window ("保修还有多久")
    rf"(?:保修|质保|保价|退货|售后).{{0,4}}还(?:有|剩)(?:{_TIME_LEFT})|"
    # money paid back into the viewer's account ("差价能打到我卡里吗")
    r"(?:打到|退到|返到|退回到).{0,6}(?:账户|账号|卡里|余额|支付宝|微信)|"
    # the viewer's own parcel or price paid, asked without naming it ("我的几天能到", "啥时候发我的",
    # "我买贵了", "刚买就降价了"), a difference or coupon of theirs not paid or not taken off
    # ("差价什么时候退", "差价退了吗", "领了券怎么没减", "我的券用不了"), a parcel refused ("拒收")
    r"我的(?=[^,.!?\s]{0,2}(?:几天|什么时候|啥时候|多久|哪天|怎么还|还没|到哪)"
    r"|[^,.!?\s]{0,6}(?:到货|发货|发了|到了)(?:没|了吗|吗|了没))|"
    r"发我的(?:货|快递|东西|单|订单)?(?:$|[?!.,\s吗呢啊呀])|买贵了|(?:刚|才)(?:买|拍)(?:完|了)?就降|"
    r"差价(?:(?:什么时候|啥时候|多久|几天|怎么还)(?:退|到账|给|到)|(?:退|到账|给)了)|"
    r"我的券|领的券|券.{0,3}(?:没减|没扣|没抵|不见了|没到账|怎么用不了|用不了了)|领了券.{0,4}(?:没减|没扣|没抵|用不了)|"
    rf"拒收|{_LINK_FAULT}|"
    # goods already sent or exchanged, asked after ("刚发出去?", "是昨天发出来的吗", "换的那双什么时候到"), or
    # whether a return is still possible, asked bare ("还能换不": 还 is the viewer's own purchase; not
    # "拆了还能退吗", the policy on opened goods)
    r"刚发(?:出来|出去|走)|发出来的(?:吗|么|嘛)|"
    r"换(?:的|过来的|回来的)(?!话)[^,.!?\s]{0,4}?(?:什么时候|啥时候|多久|几天|怎么还)|"
    # the viewer's own goods asked of returns, exchanges or price protection in the first person
    # ("我这单能退吗", "我那件羽绒服能换个码吗", "我的能保价吗"; not "我这种油皮能用吗"), their return's
    # postage ("我退回去的运费谁出"), a payment of theirs not made ("运费险怎么没赔", "退款怎么还没到")
    r"我(?:的|那|这)(?![种样么])[^,.!?]{0,8}?(?:能|可以|能不能|可不可以)?(?:退|换(?!着|一下)|保价|价保)|"
    r"我(?:换货|退货|退回去|寄回去|退回|寄回)的|我的(?:运费险|运费|邮费|保价|差价)|"
    # money taken from the viewer or laid out by them, goods just received ("多收了我8块运费",
    # "退货运费我先垫的", "能退吗 我刚收到")
    r"(?:收|扣)了我.{0,4}(?:钱|运费|邮费|块|元|\d)|多(?:收|扣)了|我(?:先)?垫(?:付|的|了)|我(?:刚|才|已经)收到|"
    r"(?:运费险|保价|差价|退款|赔付|补偿).{0,3}怎么(?:还)?没|"
    # an order placed a day gone by, told bare ("昨天拍今天就到", "前天下单")
    r"(?:昨天|前天|昨晚)(?:晚上|下午|上午|中午)?(?:就|才)?(?:拍|买|下单|付款)|"
    # a date the viewer was told of their parcel, something they sent the shop ("客服说明天到的",
    # "显示明天送达", "我发给你的截图")
    r"(?<!主播)说(?:好的?)?(?:今天|明天|后天|\d{1,2}号)(?:能|会|就)?(?:到|送到|送达|发货)的|"
    r"(?:显示|写着?)(?:今天|明天|后天|\d{1,2}号)(?:能|会|就)?(?:到|送到|送达|发货)|我(?:刚才?|已经)?发给你|"
    r"^(?:那|这个|现在|那现在)?还(?:能|可以)(?:退|换)(?:货)?(?:吗|么|嘛|不)?\??$"
)


# A parcel already on its way: the whole question is at what hour it arrives ("快递几点能到",
# "3点前能送到小区吗", "今晚能到吗"), or at what time of a coming day ("明天几点送到": only a parcel
# already dispatched has a delivery hour); not "今天到手价", "几点到几点", "几点到货", and not a day
# alone ("今天能送到吗", "明天能到吗": the dispatch promise answers it before buying), nor when the line
# still speaks of ordering ("下午拍今晚能到吗" is a pre-sale question).
_ARRIVING_NOW_RE = re.compile(
    r"(?:今晚|几点|\d{1,2}点半?|上午|下午|(?:明天|后天)(?:什么时候|几点|上午|下午|晚上))"
    r"(?:前|之前)?(?:能|可以|会|就能)?"
    r"(?:到|送到(?:[^\s]{0,6}(?:站|驿站|小区|家里?|楼下?|单位|公司|学校))?|送过来|派送)"
    r"了?(?:吗|嘛|不|没|呢)?[?!.,~\s呀啊]*$"
)
_ORDERING_RE = re.compile(r"拍|下单|买|付款|订")


# Goods that came damaged, said beside a claim and their arrival ("包装破了能换吗", "收到漏了怎么办");
# alone ("手机坏了?") it may be anything, and as a condition ("如果坏了能换吗", "坏了保修吗") it asks
# the policy.
_DAMAGED = rf"{_NO_FEELING}(?:破|漏|坏|(?<!用)烂|碎|裂)(?:掉|开)?了"  # "用烂了": worn out with use
_DAMAGED_RE = re.compile(_DAMAGED)
_CLAIM_RE = re.compile(r"退|换|赔|补|修|售后|怎么办|怎么处理")
# Goods arrived or bought ("收到", "拆开", "买的"): the viewer has them.
_ARRIVED = r"收到|到手|拆开|拆封|寄来|送来|到货|买的|拍的"
_ARRIVED_RE = re.compile(rf"{_ARRIVED}|包装|快递")
# Money paid for an order gone wrong ("付了款订单不见了", "我已经付过款了"; not "付了款多久发货", nor
# a condition: "如果付了款发现不合适能退吗").
_PAID_RE = re.compile(
    r"(?:我|已经)付(?:了|过)款|付(?:了|过)款.{0,6}(?:没|不|还|一直|订单)"
    # an order just placed, the line opening on it and going on to the parcel ("拍了三天了什么时候发",
    # "付款了什么时候发货", "拍了 几天到"); not how long after ordering ("拍了多久发", "下单了几天能到"),
    # a condition ("买了降价能退差价吗", "拍了不合适可以退吗"), nor asked of someone ("拍了吗")
    r"|^(?:(?:已经|刚刚?|都)(?:拍|下单|下了单|付款|付了款|付|买)(?:了|完|好)?|(?:拍|下单|下了单|付款|付了款|付|买)(?:了|完了?))"
    r"(?:[^,.!?\s]{0,3}?[两二三四五六七八九十\d]件)?"  # "拍了两件 什么时候发"
    r"(?:[\d一两三四五六七八九十几好半]+(?:天|个?小时|周)了[^,.!?]{0,6}?(?:发|到|收|送|物流|快递)"
    r"|[\s,.!?~]*(?:什么时候|啥时候|怎么还|为什么|咋还)[^,.!?]{0,4}?(?:发|到|收|送)"
    r"|[\s,.!?~]*还没(?:发|到|收|送)|[\s,.!?~]+(?:几天|多久)[^,.!?]{0,3}?(?:到|发|收))"
)
_CONDITION_RE = re.compile(r"如果|万一|要是|假如|假设|会不会|的话")


def asks_as_a_condition(normalized: str) -> bool:
    """Whether the line asks of a case it supposes ("万一我买错了能换吗", "如果坏了保修吗"), not one
    that happened (``_CONDITION_RE``)."""
    return _CONDITION_RE.search(normalized) is not None


# A parcel sent again, or whether it was sent ("能补发吗", "发货了吗"), unless what is sent is a
# link, a coupon or a giveaway ("链接再发一次", "券发了吗", "福袋发了吗").
_SENT_AGAIN_RE = re.compile(
    r"补发|重发|重新(?:发|寄)|再(?:发|寄)一(?:次|个|遍)|"
    r"(?:发货|发出|寄出|送到|到货|签收|退款|发)了(?:吗|没|么|嘛)|(?:发货|发出|寄出|退款)没(?:有)?(?:$|[?!.,\s呀啊呢])"
)
_GIVEAWAY_RE = re.compile(r"链接|券|福袋|红包|福利|抽奖|赠品|小样|口令|截图|图")


# Words of a shop's sale that chat does not use ("今天满减到几点结束", "包邮吗"): a line that speaks them
# asks the shop, however the understanding model, which learned from much more chat than shopping,
# would leave it silent.
_SHOP_TERMS_RE = re.compile(r"满减|满\d+减|优惠券|(?<!门)券|秒杀|包邮|运费|邮费|保价|价保|小黄车|几号链接")


def speaks_of_the_sale(normalized: str) -> bool:
    """Whether the line asks (``triage.has_question_cue``) in a word of the shop's sale
    that chat does not use (``_SHOP_TERMS_RE``): "今天满减到几点结束", not "主播说的满减我记住了"."""
    return _SHOP_TERMS_RE.search(normalized) is not None and has_question_cue(normalized)


def price_checked(normalized: str) -> Decimal | None:
    """The amount a line says back to be checked as the price ("现在拍能89吗" -> 89), or None."""
    match = _PRICE_CHECKED_RE.search(normalized)
    return Decimal(next(g for g in match.groups() if g)) if match is not None else None


def about_own_order(normalized: str) -> bool:
    """Whether a normalised line is about the viewer's own order, purchase or claim."""
    if _OWN_ORDER_RE.search(normalized) is not None:
        return True
    if (_BOUGHT_BEFORE_RE.search(normalized) or _PAID_RE.search(normalized)) and not _CONDITION_RE.search(
        normalized
    ):
        return True
    if _SENT_AGAIN_RE.search(normalized) and not _GIVEAWAY_RE.search(normalized):
        return True
    if (
        _DAMAGED_RE.search(normalized)
        and _CLAIM_RE.search(normalized)
        and _ARRIVED_RE.search(normalized)
        and not _CONDITION_RE.search(normalized)
    ):
        return True
    arriving = _ARRIVING_NOW_RE.search(normalized)
    return arriving is not None and _ORDERING_RE.search(normalized[: arriving.start()]) is None


# Goods swallowed or in the eyes, a child's or by mistake ("孩子把杯盖上的硅胶圈咬下来吞了", "误食了"):
# told of goods in hand whatever else the line names.
_CHILD = r"(?:孩子|宝宝(?!们)|小孩|(?<!洋)娃(?!娃)|儿子|女儿)"
_ACCIDENT = (
    rf"误吞|误食|误吃|误喝|进眼睛|溅到眼|{_CHILD}(?:把|将).{{0,10}}(?:吞|咽)(?:了|下去|进去)|"
    rf"{_CHILD}.{{0,10}}(?:咬破|咬开)了"
)
_ACCIDENT_RE = re.compile(_ACCIDENT)
# Something wrong with goods the viewer has ("收到的杯子碎了", "我三天前买的耳机右耳没声音").
_PROBLEM_RE = re.compile(
    rf"{_DAMAGED}|{_SENT_WRONG}|{_LINK_FAULT}|没(?:有)?声(?:音)?|没反应|打不开|开不了|不亮|充不进|充不上|(?:少|缺)了|过期了|变质|"
    r"受潮|发霉|有(?:个)?洞|掉漆|不能用|用不了了|没法用|漏水|漏液|漏气|裂开|裂缝|是空的|坏的|"
    # faults of make, fit, use and smell ("开线了", "鼓包了", "一股哈喇味"), the body's reaction to
    # them ("用了过敏", "吃了拉肚子"), and goods short or fake ("只发了一件", "不是正品")
    r"开线|开胶|脱线|起球|掉色|褪色|缩水|变形|鼓包|[胀涨]袋|胀包|"
    # devices that will not start, log in or connect ("登不上家长账号", "一直转圈", "闪退", "黑屏了")
    r"登不上|登录不了|登不了|一直转圈|闪退|死机|卡死|黑屏|蓝屏|连不上|开不了机|不开机|充不了电|生锈|划痕|夹生|跳闸|不保温|不制热|一闪一闪|钻毛|掉毛|"
    r"(?:异|焦|怪|臭|霉|哈喇)味|有股味|味道?(?:太|很|好|特别)(?:大|重|冲|难闻)|甲醛|虫子|"
    r"过敏|发炎|拉肚子|肚子疼|(?:就|都)吐了|闷痘|爆痘|一脸痘|(?:都|全)(?:死|化)了|"
    # goods that burn, smoke or shock, and skin that swells or itches after use ("充电宝冒烟了",
    # "用了脸上红肿", "外壳烫手"): a safety matter a person must see
    # (not praise: "烫得刚好", "竖线条纹", "酥到掉渣", "又红又甜", "鸡皮疙瘩", "唇釉染色了 好持久")
    r"冒烟|冒火|着火|起火|烧焦|自燃|漏电|触电|烫伤|烫得(?:疼|起泡|吓人|拿不住|受不了)|"
    r"(?:外壳|外面|表面|机身|插头|充电口|摸着?)(?:很|好|特别|都|也)?烫|红肿|起疹|疹子|刺痛|"
    r"(?:好|很|特别|巨)痒|痒死|烂脸|割手|又红又(?:肿|痒|疼|烫)|睁不开|噎(?:着|住)|鼓起来了|胀气|起皮|"
    r"压扁|碎成|结块|发酸|把.{0,8}染(?:色|[蓝红黑黄绿紫])了|串色|掉.{0,2}(?:纸屑|毛)|"
    r"(?:脚|鞋|里面|里头|内里).{0,4}湿透|不响了|没断电|(?<!鸡皮)疙瘩|(?:屏幕?|显示).{0,6}(?:竖线|横线)|"
    r"花屏|黑屏|闪屏|死机|不出(?:热)?(?:风|水|气)|不(?:制)?热了|"
    r"只(?:发|到|给)了|缺页|不一样大|(?:跟|和|与).{0,8}(?:说|图|描述|介绍|宣传).{0,2}不一样|"
    r"(?<!真的)是假的|假货|不是正品|是(?:碎|烂|破|裂|坏)的|买(?:大|小|错)了|(?:便宜|降价|降)了\s?[\d一二两三四五六七八九十几]|断了|是断的|凹痕|凹了|瘪了|胀袋|"
    r"一股(?:怪|臭|霉|异|焦)?味|漏绒|跑绒|(?:涂层|漆|皮|扣子|拉链|轮子|把手|带子)(?:都|也)?掉了|"
    # late or lost ("到现在还没到", "订单不见了"), and what the viewer demands ("给我换一个新的")
    rf"{_NOT_ARRIVED}|没动|不动了|没更新|卡住|不见了|找不到了|{_DEMAND}|退钱|赔钱|{_COMPLAINT}|{_ACCIDENT}"
)
# A fault denied ("穿了一年都不起球", "零甲醛", "不会是假货吧"): praise or a question, nothing wrong.
_DENIED_RE = re.compile(r"(?:不|没|没有|无|零|防|不怕|抗|(?:不会|不可能|应该不)是?)$")
# A laugh, or a mishap of the viewer's day: a joke or a complaint about life ("我家狗把杯子咬坏了 哈哈",
# "我家wifi又断了 气死", "直播间卡住了"), not goods gone wrong.
_LAUGH_RE = re.compile(LAUGH)
_NOT_GOODS_RE = re.compile(r"(?:我家|家里|这边|我这)的?(?:wifi|网|网络|信号)|断网|停电|直播间|画面")
# What shows the viewer has the goods ("收到", "刚买", "用了", "才穿一周", "你们家的"), or names them by a
# stage word ("这个杯子碎了"): a fault told plainly without it ("腿都断了", "心都化了") is about life.
_HAS_GOODS_RE = re.compile(
    rf"{_ARRIVED}|(?<![没点号天抢拿等轮])到了|打开|刚买|才买|买了|买(?:大|小|错)了|发来|用了|用完|用着|用一次|吃了|喝了|戴了|穿了|才穿|洗了|洗一次|一开|"
    r"你家|你们家|这个|这款|这件|这条|这双|这瓶|这盒|这包|这箱"
)
# An A-not-A question ("起球不起球", "掉色不掉色") or one closed by 没 ("有甲醛没"): asked before buying.
_A_NOT_A_RE = re.compile(rf"{A_NOT_A}|没\??$")


def mentions_a_fault(normalized: str) -> bool:
    """Whether the line names a fault, a delay, goods short or fake, or a demand (``_PROBLEM_RE``) that
    it does not deny ("都不起球", "零甲醛")."""
    return any(not _DENIED_RE.search(normalized[: m.start()]) for m in _PROBLEM_RE.finditer(normalized))


def reports_a_problem(normalized: str, goods_named: bool = False) -> bool:
    """Whether the line tells of something wrong with goods the viewer has: a fault, a delay, goods
    short or fake, or a demand (``_PROBLEM_RE``; not a fault denied: "都不起球", "零甲醛"), about the
    viewer's own order, or said as a plain statement about goods in hand (``_HAS_GOODS_RE``:
    "被子收到有股味", "这个杯子碎了") or about goods the room sells, named (``goods_named``, the caller's
    reading of the catalog: "羽绒服漏绒了"): not a question ("杯子碎了怎么办", "起球不起球"), a condition,
    a joke, the viewer's day or the host's things. A person must see it even when it asks nothing."""
    if not mentions_a_fault(normalized) or _LAUGH_RE.search(normalized) or _A_NOT_A_RE.search(normalized):
        return False
    if about_own_order(normalized):
        return True
    in_hand = (
        goods_named
        or _HAS_GOODS_RE.search(normalized) is not None
        or _ACCIDENT_RE.search(normalized) is not None
    )
    return in_hand and not (
        is_question(normalized)
        or _CONDITION_RE.search(normalized)
        or _NOT_GOODS_RE.search(normalized)
        or "主播" in normalized
    )


# Questions about the show itself ("直播几点结束", "明天几点播") are not about a product's flash sale,
# stock or use ("晚上还播吗" is no 早晚 question), unless they name a sale ("直播间有优惠吗").
_SHOW_RE = re.compile(
    r"直播|下播|开播|主播几点|明天还播|今晚播|(?<!传)播(?:吗|嘛|不|呢|\?)|几点播|什么时候播"
)
_SALE_WORDS_RE = re.compile(
    r"链接|秒杀|价|券|发货|快递|优惠|折|活动|福利|满减|赠|福袋|抽奖|上架|补货|钱|多少|还有|有货|怎么买"
)


def about_the_show(normalized: str) -> bool:
    """Whether the line asks about the show itself (its hours, whether it is on) and names no sale."""
    return _SHOW_RE.search(normalized) is not None and _SALE_WORDS_RE.search(normalized) is None


# A request to the host to show or try on something ("换个颜色看看", "能试一下M码吗", "上身看看",
# "展示一下里面"): the host does it on camera, no catalog text answers it; not a trial of the goods
# ("可以试用吗") nor a look into the viewer's own things (``_LOOKS_FOR_ME_RE``).
_SHOW_ME_RE = re.compile(
    r"(?:(?:换|拿|穿|试|戴)(?:个|一个|件|一件|双|条|下)?[\u4e00-\u9fffa-z\d]{0,4}?)?"
    r"(?:给我们|给大家|让我们|让大家)(?:看看|看一下|看下|瞧瞧)|"
    r"(?:换|拿|穿|戴)(?:个|一个|件|一件|双|条|下)?[\u4e00-\u9fffa-z\d]{0,4}?(?:看看|看一下|看下|瞧瞧)|"
    r"(?<![帮给替])(?:看看|看一下|看下|瞧瞧)(?:吧|呗|呀|啊|嘛|吗|呢|好吗|好不好|可以吗|行吗)?[?!.~\s]*$|"
    # (not a screen loading: "一直转圈圈")
    r"试穿|试(?:一下|下|试)(?!用)(?:[a-z\d]{1,3}码?)?|展示一?下|(?<!一直)(?<!老是)转一?圈(?!圈)|转个身|走两步|"
    r"拿近一?点|近一点看"
)


# Looking into something of the viewer's instead ("帮我看一下地址", "拆开看看", "订单帮我看看").
_LOOKS_FOR_ME_RE = re.compile(r"帮我|帮忙|替我|我的|订单|单号|地址|快递|物流|拆")


# A request for a phone number or contact ("快递电话是多少呀"): no catalog template answers it.
_CONTACT_RE = re.compile(r"电话|联系方式|手机号|微信号|客服号|联系人")
# A business inquiry, not a shopper's question: selling through the shop ("想入驻你们平台", "能做代理
# 吗", "批发价多少") or buying as a company ("公司采购50个有优惠吗", "团购能便宜吗", "对公转账有折扣
# 吗"): the shop's people answer it, never a shipping, price or coupon template.
_BUSINESS_RE = re.compile(
    r"入驻|招商|加盟|代理商|做代理|当代理|商务合作|供货|批发|进货|"
    r"团购|采购|集采|月结|对公|企业(?:用户|客户|账户|采购)|大客户"
)
# Invoices asked for ("能开专票吗", "发票怎么开"): the shop's people issue them.
_INVOICE_RE = re.compile(r"发票|开票|专票|普票|抬头|税号")


def asks_for_a_persons_act(normalized: str) -> bool:
    """Whether any part of the line asks the shop's people for something only they do: a contact, a
    business deal or an invoice ("能不能开专票 杯子能带上飞机吗"): the line stays theirs, whatever
    else it asks."""
    return any(r.search(normalized) for r in (_CONTACT_RE, _BUSINESS_RE, _INVOICE_RE, _CODE_ASKED_RE))


# A code or number of a coupon asked for ("券码是多少", "兑换码在哪", a coupon's key; not "key colors"):
# the shop's system holds it, no fact of the catalog.
_CODE_ASKED_RE = re.compile(
    r"批次号|券码|兑换码|激活码|优惠码|(?:券|码|激活).{0,3}(?<![a-z])key(?![a-z])|(?<![a-z])key(?![a-z]).{0,3}(?:券|码)"
)


# Where the goods ship from ("从哪里发货", "是保税仓发的吗"): the shipping policy states the carrier,
# the dispatch time and the fees, not a place, so its template would answer another question.
_SHIPS_FROM_RE = re.compile(
    r"(哪里|哪儿|哪个地方|什么地方|哪个城市|哪个仓|哪)(发货|发的|发出|寄出|寄的|出货|发过来)|"
    r"从哪(里|儿)?(发|寄|出)|从(?!拍|下单|付款|购买|买|今天|明天|后天|现在|周)[^\s到]{1,4}(发货|发的|发出)|"
    r"货从哪|什么仓|发货地|发货仓|保税|海外仓|国内发|"
    r"国外发"
)


def ships_from(normalized: str) -> bool:
    """Whether the line asks where the goods ship from (``_SHIPS_FROM_RE``), which no policy states."""
    return _SHIPS_FROM_RE.search(normalized) is not None


# The host's own body or skin ("主播头发什么颜色", "主播是油皮还是干皮"): chat about the host, not a
# colour or skin-type question about the product on stage.
_HOSTS_OWN_RE = re.compile(
    r"(?:主播|小助理|助播)(?:的)?(?:头发|发色|发型|皮肤|肤质|肤色|脸|眼睛|身高|体重|年龄|"
    # the size the host wears ("主播穿的什么码", "主播穿几码"), not advice for the viewer
    r"穿的?(?:是)?(?:什么|几|多大)码?|"
    # what the host uses or drinks themselves ("主播用的粉底啥色号", "主播喝的啥"), not this product
    r"(?:自己)?(?:用|涂|擦|戴|喝|吃)的(?!这|那)[\u4e00-\u9fff]{0,5}?(?:是)?(?:什么|啥|哪个|哪款)(?!链接|.链接)|"
    r"是(?:油皮|干皮|敏感肌|混油|混干|痘痘肌|中性|什么肤质|哪种肤质|什么皮))"
)


def only_about_the_host_or_show(normalized: str) -> bool:
    """Whether the line asks about the host's own body or skin (``_HOSTS_OWN_RE``: "主播是敏感肌吗" is
    no question whether the cleanser suits it), the show itself (its hours: ``about_the_show``) or
    asks the host to show or try something on (``_SHOW_ME_RE``: "能换个颜色给我们看看吗" is no
    exchange), and no other piece of it asks a shop question ("主播皮肤好好 这个多少钱" still asks
    the price).
    Such a line is chat to the host: no product text answers it."""
    parts = pieces(normalized)
    about = [p for p in parts if _about_the_host_or_show(p)]
    if not about and not _about_the_host_or_show(normalized):
        return False
    rest = [p for p in parts if p not in about]
    return not any(_asks_the_shop(p) for p in rest)


def _about_the_host_or_show(text: str) -> bool:
    shown = (
        _SHOW_ME_RE.search(text) is not None
        and _LOOKS_FOR_ME_RE.search(text) is None
        # a question of its own beside the request ("试穿不合适能退吗", "M码有吗看看")
        and not _asks_the_shop(_SHOW_ME_RE.sub(" ", text))
    )
    return bool(_HOSTS_OWN_RE.search(text) or about_the_show(text) or shown)


def _asks_the_shop(piece: str) -> bool:
    """Whether one piece of a line is a question of its own to the shop (a rule intent, or the product
    in view): "这个多少钱" is, "宝宝" (a way to address viewers) is not."""
    if not is_question(piece):
        return False
    return _STAGE_RE.search(piece) is not None or any(pattern.search(piece) for _, pattern in _RULES)


# A measure of the product asked with 多少 ("传输速度多少", "电池容量是多少", "防晒倍数多少",
# "长宽多少"): a spec the catalog's
# attributes may state, not its price.
_MEASURE_ASKED_RE = re.compile(
    r"(速度|容量|重量|充绒量?|功率|电量|续航|尺寸|长度|宽度|高度|厚度|度数|像素|内存|温度|时长|寿命|毫安|分辨率|"
    r"倍数|指数|spf|长宽高?|宽高|面积|体积|"
    r"ph值?|酸碱度|含量|浓度|保湿度|等级|级别|档位|瓦数|克重|蛋白质|脂肪|热量|卡路里|糖分|"
    r"dpi|ppi|hz|mah|刷新率|帧率|转速|"
    # a part's length, height or girth, not the viewer's ("身高多少穿几码") nor a bound ("最高多少")
    r"裤长|衣长|袖长|裙长|肩宽|筒高|靴筒|鞋跟|跟高|腰围|胸围|臀围|口径|直径|内径|外径|杯高|锅深|线长)"
    r"(是|有|大概|大约|一般)?多少(?!钱)(?!.{0,6}(?:码|穿))"
    # or a unit after 多少 / 几 ("快充多少w", "几瓦的"): a power, voltage or screen size, not a price
    r"|(?:多少|几)(?:w|瓦|v|伏|寸|英寸|mah|毫安|hz|赫兹)(?![a-z])"
)
# How long the goods keep ("放几天", "能保存多久"): the shelf life the attributes state, not how to
# store them.
_KEEPS_FOR_RE = re.compile(r"(?:放|保存|存放)(?:多久|几天|多长时间|几个月)|保质期|有效期")
# A comparison with another product ("这个和1号有什么区别", "跟2号链接比呢"): no template of one product
# answers it (the differences between one product's own specs are a variant question).
_OTHER_PRODUCT_COMPARED_RE = re.compile(
    r"(和|跟|与|比)([1-9]\d?号|那个|那款|别的|其他|别家|上一个|刚才那个)(?!色|颜色|色号|款式|规格|码|味|尺码)"
    r"(链接)?.{0,6}(区别|差别|不同|比|哪个)"
)
# People a viewer does things with or compares with ("跟闺蜜一起买", "和我男朋友比"): never goods.
_PEOPLE = r"闺蜜|姐妹|朋友|同事|家人|老公|老婆|男朋友|女朋友|妈妈|爸爸|室友|同学|孩子|宝宝|[我你他她]"
# Another product bought together with this one ("和1号精华一起买能满减吗", "跟炒锅一起拍有优惠吗"): the
# answer is about the two together, which no template of one product gives.
_BOUGHT_TOGETHER_RE = re.compile(
    rf"(?:和|跟|与|加|\+)(?!{_PEOPLE}|别人|大家|你们|我)"
    r"[^,.!?\s]{1,10}一起(?:买|拍|下单|付款|结算)"
)
# Whether the product looks good with another thing ("搭那个羽绒服好看吗", "配12号的裤子合适吗"): when
# the thing is another product of the room than the one presented, the question is about the two.
_WORN_WITH_RE = re.compile(
    # not 配料, 配送, 配置, 配色, 配方, 配件 ..., 适配, 分配, 标配, 搭扣
    r"(?<![适分标选])(?:搭(?!扣|档)|配(?!料|送|置|色|方|件|列|合|套|比|货|额|偶|音))(?:上|着|配)?"
    r"[^,.!?\s]{1,10}?(?:一起)?(?:穿|戴|用)?(?:好看|合适|怎么样|可以吗|行吗|显)"
)


def pairs_with_something(normalized: str) -> bool:
    """Whether the line asks how the product goes with another thing (``_WORN_WITH_RE``)."""
    return _WORN_WITH_RE.search(normalized) is not None


# The product compared with something named that is not of this room's sale: another brand or shop
# ("和三只松鼠比呢", "比华为手表好吗", "和优衣库的比咋样"): the host's to answer, no text of the product
# does. Not a person ("比我男朋友高"), the host, or another time of this product's own price
# ("比昨天便宜吗" asks the price).
_ELSEWHERE_COMPARED_RE = re.compile(
    r"^(?:请问|那)?(?:和|跟|与)(?P<a>[^,.!?]{2,14}?)(?:的)?\s?(?:比|相比|对比|比起来|比较)"
    r"(?:呢|咋样|怎么样|如何|哪个好|哪个更好|哪个划算|谁好|好吗|区别|划算|便宜|实惠)"
    r"|^(?:请问|那)?比(?P<b>[^,.!?]{2,12}?)(?:的)?(?:好|便宜|贵|强|划算|耐用|咋样|怎么样)(?:吗|嘛|多少|呢|不|些|点|$)"
)
_NOT_ELSEWHERE_RE = re.compile(
    rf"{_PEOPLE}|主播|别人|"
    r"昨天|前天|今天|上次|之前|以前|平时|平常|日常|原价|刚才|刚刚|上午|早上|去年|上个?月|直播间|"
    r"双11|双十一|双12|618|大促|活动|"  # this product's own price on a sale day
    r"这个|这款|那个|那款|别的|其他|\d+号|\d+\s*(?:ml|g|kg|毫升|克|斤|寸|码|cm)"  # its own versions
)


def compared_elsewhere(normalized: str) -> str:
    """What the line compares the product with, where that looks like another brand or shop
    (``_ELSEWHERE_COMPARED_RE``): "和三只松鼠比呢" -> "三只松鼠"; "" for none, for a person, a day or a
    version of its own ("和50ml比呢", "和黑色比呢"; the caller checks the product's specs: "和红轴比呢")."""
    match = _ELSEWHERE_COMPARED_RE.search(normalized)
    if match is None:
        return ""
    other = match.group("a") or match.group("b") or ""
    slots = extract_slots(other)
    if _NOT_ELSEWHERE_RE.search(other) or slots.color or slots.size:
        return ""
    return other


# A judgement of taste between versions ("哪个颜色好看", "哪种口味好吃"): the host's to give.
_TASTE_RE = re.compile(r"哪(个|款|种).{0,3}(更)?(好看|好吃|好用|好喝|显白|耐用)")
# Whether the goods look like their pictures ("有没有色差", "跟图片一样吗"): no colour choice, no template.
_LIKE_PHOTO_RE = re.compile(r"色差|(跟|和|与)(图片|图|照片|视频)一样|实物(跟|和|与)?图|实物.{0,3}一样")
# Another day than today, or a named sales event ("明天有优惠吗", "618有活动吗", "3号那天的活动还有吗"):
# the catalog's facts are those of the message time, so a price or coupon template would answer
# for now what was asked for then (scheduled flash sales are answered by their own intent). The
# intent stays (a coupon question is one); the answerer leaves the template out.
_OTHER_DAY_RE = re.compile(
    # "哪天买有优惠": which day of the coming ones, never today's facts alone
    r"明天|后天|下周|下个?月|下次|过几天|过两天|到时候|改天|哪天|哪一天|618|双十一|双11|双十二|双12|年货节|大促|"
    rf"昨天|前天|上周|上个?月|上次|那天|当天|\d{{1,2}}号(?:{DATED_SALE})"
)


# How to carry out an after-sales or price-protection request, where, in which order of steps, or
# when its money comes back ("怎么申请退货", "保价在哪申请", "退款多久到账", "换货流程", "是不是要先签收"):
# the catalog's policies state terms (7 days, who pays the return), not the steps of a platform's
# order page, so no policy template answers it.
_PROCEDURE_RE = re.compile(
    r"(怎么|如何|在哪|哪里|去哪)(里)?(申请|操作|办理|提交|弄|退|换|找|点|保修|维修|修)|流程|步骤|点哪|入口|"
    r"(什么时候|多久|几天)(能|会|才)?(退回|到账|退到|返还|退给|退的)|记录|进度|"
    r"(先要|要先|需要先|得先)(签收|寄回|退回|申请|联系|拍照|确认|拆)"
)
# Sending goods back: where, by which courier, what ("退货地址是哪里", "发什么快递退回", "配件不用寄吧");
# a step of a return, which no shipping or after-sales policy states.
_SEND_BACK_RE = re.compile(
    r"(退货|退回|寄回|退换货?|换货|售后)的?地址|(退货|退回|寄回|换货)(要)?寄(到|去|回)?哪|(寄回|退回)(到|去)?哪|"
    r"(发|用|走|寄)(什么|哪个|哪家)(快递|物流).{0,2}(退|寄|返)|"
    r"(退|寄|返)回.{0,2}(发|用|走|寄)(什么|哪个|哪家)(快递|物流)|"
    r"(不用|不需要|要不要|需不需要|用不用|需要)(一起|一块)?(寄|退)回?(吧|吗|呢|么|\?|$)"
)


def asks_a_procedure(normalized: str) -> bool:
    """Whether the line asks how, where or when to get an after-sales or price-protection request
    done, not what the policy is (``_PROCEDURE_RE``), or how to send goods back (``asks_to_send_back``)."""
    return _PROCEDURE_RE.search(normalized) is not None or asks_to_send_back(normalized)


def asks_to_send_back(normalized: str) -> bool:
    """Whether the line asks where, how or what to send back (``_SEND_BACK_RE``): the one procedure a
    shipping question can be ("包邮怎么弄" is still the shipping policy's)."""
    return _SEND_BACK_RE.search(normalized) is not None


_LIST_PRICE_RE = re.compile(_LIST_PRICE)


# A warranty or repair ("保修多久", "有没有质保", "坏了能免费修吗", "全国联保吗"), not a return.
_WARRANTY_RE = re.compile(rf"{WARRANTY}|(?<![a-z])(warranty|repairs?)(?![a-z])")


def asks_warranty(normalized: str) -> bool:
    """Whether an after-sales question asks about a warranty or repairs (``_WARRANTY_RE``): a
    policy that states no warranty answers it with nothing (its return terms are another matter)."""
    return _WARRANTY_RE.search(normalized) is not None


def asks_value(normalized: str) -> bool:
    """Whether a price question asks which version is the better buy, or whether one is
    (``_VALUE_ASKED``: "哪个划算", "双支装划算吗")."""
    return _VALUE_ASKED_RE.search(normalized) is not None


# How long goods take to arrive ("几天能到", "什么时候到货", "多久能收到"): the policy states when they
# are dispatched, never when they arrive.
_ARRIVAL_ASKED_RE = re.compile(
    r"(?:几天|多久|什么时候|啥时候|几号|哪天|多长时间|多少天|今天|明天|后天|这周|周末)(?:能|可以|就能|会|才能)?(?:收|送)?到(?!期|账|手价)"
    r"|到(?:吗|不)?[^,.!?]{0,3}?几天"
    rf"|到货|送达|{_TO_A_PLACE}"
)


def asks_arrival(normalized: str) -> bool:
    """Whether a shipping question asks when goods arrive (``_ARRIVAL_ASKED_RE``: "几天能到")."""
    return _ARRIVAL_ASKED_RE.search(normalized) is not None


def asks_list_price(normalized: str) -> bool:
    """Whether a price question asks for the list price (原价/划线价), not the price now."""
    return _LIST_PRICE_RE.search(normalized) is not None


def names_another_day(normalized: str) -> bool:
    """Whether the line asks about another day than today or a named sales event (``_OTHER_DAY_RE``)."""
    return _OTHER_DAY_RE.search(normalized) is not None


# Whether the room sells a thing, named after the verb ("有卖砧板吗", "你们卖不卖空调"), or has it
# ("有没有保温壶", "袜子有吗"), or has it to sell ("有iphone卖吗": the thing between 有 and 卖). Not idle
# talk of selling ("你们卖了几年了", "卖这么便宜", "没有卖蓝色的").
_WHERE_SOLD = r"(?:你们|这里|直播间|店里)"
_SELLS_RE = re.compile(
    rf"(?:(?<!没)有(?:没有)?卖|卖不卖|{_WHERE_SOLD}(?:有)?卖)"
    r"(?!完|光|得|的|什么|啥|些|多少|了|货|这么|那么|不)"
)
_SOLD_THING_END_RE = re.compile(r"(?:的)?(?:吗|么|嘛|呢|\?|$)")
_HAS_FOR_SALE_RE = re.compile(
    rf"^(?:请问|亲)?\s?{_WHERE_SOLD}?有(?!没)(.{{2,11}}?)(?:在)?卖(?:吗|么|嘛|没有?|不)(?:呀|啊)?\??$"
    # "有没有润唇膏卖啊": the question is 有没有 itself
    rf"|^(?:请问|亲)?\s?{_WHERE_SOLD}?有没有(?!人|谁)(.{{2,11}}?)(?:在)?卖(?:的)?(?:呀|啊|呢)?\??$"
)
# A price the viewer was told set against the one they see ("主播说359怎么我这还是459", "不是199吗 我看是
# 299"): what it costs now, and when a sale price starts, answers it. Never a refund, a claim or an
# order's amount ("说好退20 怎么只退了10": ``_MONEY_OWED_RE``).
_SALE_PRICE_WORD = r"(?:秒杀|活动|到手|券后|直播间?)价?"
# An amount of money, bare or in 元 / 块: never a count, a size, a link, an age or a time ("27码",
# "1号", "3条", "24小时", "3岁").
_MONEY = (
    r"¥?(\d+(?:\.\d+)?)(?![\d.]|\s*(?:码|号|条|片|斤|克|g|ml|毫升|小时|天|岁|个|盒|包|袋|瓶|支|件|寸|cm|kg|"
    r"w|mah|%|折|人|年|月|分|秒|点|层|颗|粒|双|套|抽|次|周))"
)
_PRICE_DISPUTED_RE = re.compile(
    rf"(?:(?:不是|说|讲|报)(?:好的|的|了)?(?:{_SALE_PRICE_WORD})?|{_SALE_PRICE_WORD})\s?{_MONEY}"
    rf"(?:元|块)?(?:吗|嘛|么)?[^\d]{{0,8}}?(?:怎么|咋|我这|我看|显示|还是|变成|却|是|付款|结算)[^\d]{{0,4}}?{_MONEY}"
)
# A coupon the viewer cannot claim or use ("店铺券领不了啊", "零食券用不了"): which coupons there are,
# and from when, answers it.
_COUPON_BLOCKED_RE = re.compile(
    r"(?:券|红包).{0,4}?(?:领不了|领不到|领不上|用不了|用不上|不能用|没法用|领不出)"
)
# Money of an order placed or owed: a claim, never the price on sale ("付款怎么是459" at checkout asks
# the price; "付了款" tells of an order).
_MONEY_OWED_RE = re.compile(r"退|返|赔|补|订单|付了|已付|付过|实付|扣|到账|运费|邮费|差价")


def coupon_blocked(normalized: str) -> bool:
    """Whether the line says a coupon cannot be claimed or used (``_COUPON_BLOCKED_RE``)."""
    return _COUPON_BLOCKED_RE.search(normalized) is not None and _MONEY_OWED_RE.search(normalized) is None


def disputes_the_price(normalized: str) -> bool:
    """Whether the line sets a price the viewer was told against another they see
    (``_PRICE_DISPUTED_RE``): a price question, whatever its tone."""
    match = _PRICE_DISPUTED_RE.search(normalized)
    return (
        match is not None
        and Decimal(match.group(1)) != Decimal(match.group(2))
        and _MONEY_OWED_RE.search(normalized) is None
    )


# What "有X卖吗" names that is no goods: the stock, a pack or version of the goods in view
_NO_GOODS_RE = re.compile(r"现?货|库存|存货|.*(?:装|款|版|套|码|号)")
_HAS_IT_RE = re.compile(r"有没有|(?:还)?有(?:吗|么|嘛|没有?)\??$")


@lru_cache(maxsize=1024)
def sold_thing(normalized: str) -> str:
    """The thing a line asks whether the room sells ("有卖砧板吗" -> "砧板", "有卖ipad吗" -> "ipad",
    "有iphone卖吗" -> "iphone"), "" when it names none ("还有卖吗", "L码还有卖吗", "有黑色卖吗": a
    colour, a size, the stock or a pack is a version of the goods in view) or asks no such thing.
    Cached: the intent rules and the resolver both ask it of the same line."""
    match = _SELLS_RE.search(normalized)
    if match is not None:
        rest = normalized[match.end() :]
        end = _SOLD_THING_END_RE.search(rest)
        thing = (rest[: end.start()] if end else rest).strip(" ,.!?")
    else:
        held = _HAS_FOR_SALE_RE.match(normalized.strip())
        thing = (held.group(1) or held.group(2)).strip() if held else ""
        slots = extract_slots(thing)
        if slots.color or slots.size or _NO_GOODS_RE.fullmatch(thing):
            return ""
    return thing if len(thing) >= 2 and _NAME_FILLER_RE.fullmatch(thing) is None else ""


# Whether there is a version ("有黑色的M吗", "有没有米白L"): the size or colour, and nothing but these
# words around it ("有个蓝色的…抽过没" asks something else).
_HAS_VERSION_RE = re.compile(r"(?:^|还)有.{0,8}(?:吗|么|嘛|没有?)\??$|有(?:吗|么|嘛|没有?)\??$|有没有")
_VERSION_FILLER_RE = re.compile(r"请问|主播|亲|宝宝|[有没还的吗么嘛呢呀啊码号款色?!,.\s]")


# Which sizes there are ("有什么码", "有哪些尺码", "几个码"), not which one to wear.
_WHICH_SIZES_RE = re.compile(
    r"(?:还)?有(?:什么|哪些|哪几个|几个)(?:尺)?码|(?:什么|哪些)(?:尺)?码(?:还)?有|(?<![大小])几个码"
)


def _asks_for_a_version(normalized: str, slots: Slots) -> bool:
    if not (slots.size or slots.color or slots.variant_hint) or _HAS_VERSION_RE.search(normalized) is None:
        return False
    rest = strip_slot_words(normalized).replace(slots.variant_hint or "\0", " ")
    return not _VERSION_FILLER_RE.sub("", rest)


# The whole line asks whether the room has a thing ("有没有充电宝", "有充电宝吗", "充电宝有没有"), or which
# link it is ("洗面奶几号").
_HAS_THING_RES = (
    re.compile(
        r"^(?:请问|亲)?\s?有没有(?:卖)?(?:那种|这种)?(.{1,11}?[^吗么嘛呀啊没的?\s])(?:的)?(?:呀|啊)?\??$"
    ),
    re.compile(
        r"^(?:请问|亲)?\s?有(?!没)(?:卖)?(?:那种|这种)?(.{1,11}?[^吗么嘛呀啊没的?\s])(?:的)?(?:吗|么|嘛|没有?)"
        r"(?:呀|啊)?\??$"
    ),
    re.compile(r"^(?:请问|亲)?\s?(.{1,11}?[^吗么嘛呀啊没的?\s])(?:有没有|有吗|有么|有没)\??$"),
    re.compile(r"^(?:请问|亲)?\s?(.{1,11}?[^吗么嘛呀啊没的?\s])(?:是)?几号(?:链接)?(?:呀|啊|呢)?\??$"),
)
_WHICH_LINK_RE = _HAS_THING_RES[-1]


# The whole line asks whether a version is there ("60包的有吗", "青轴还有吗", "有钢带的吗", "那无花果呢
# 还有吗", "带盖吗"): the thing before or after 有, or what comes with it, which the product's specs
# may hold.
_VERSION_ASKED_RES = (
    re.compile(
        r"^(?:请问|亲|那|那个|这个|这款)?\s?(.{1,10}?)的?(?:还有吗|有吗|有没有|还有没有|有货吗|还有货吗|有么|有没|还有么)"
        r"(?:呀|啊|呢)?\??$"
    ),
    re.compile(r"^(?:请问|亲|那)?\s?还?有(?!没)(.{1,10}?)的?(?:吗|么|嘛)(?:呀|啊)?\??$"),
    re.compile(r"^(?:请问|亲|那)?\s?有没有(.{1,10}?)的?(?:呀|啊)?\??$"),
    # "带盖吗", "是带线的吗": what comes with it, as a spec says it ("32cm 带盖")
    re.compile(r"^(?:请问|亲|那)?\s?(?:是|有)?((?:带|配)[^吗么嘛]{1,8}?)的?(?:吗|么|嘛)(?:呀|啊)?\??$"),
)


def version_asked(normalized: str) -> str:
    """The thing a whole line asks whether it is there ("60包的有吗" -> "60包", "有钢带的吗" -> "钢带"),
    "" when it asks more, names nothing but fillers, or one character ("有味吗", "有包吗"); the
    caller checks it against the specs."""
    for pattern in _VERSION_ASKED_RES:
        match = pattern.match(normalized.strip())
        if match:
            thing = match.group(1).strip()
            if (
                len(thing) >= 2
                and _NAME_FILLER_RE.fullmatch(thing) is None
                and not _NO_VERSION_RE.fullmatch(thing)
            ):
                return thing
    return ""


# "有货吗", "有现货吗": the stock itself; "有包装吗", "有味道吗": a counter or a kind word alone names
# no version (a version is at least two characters: "60包", "钢带")
_NO_VERSION_RE = re.compile(rf"现?货|库存|存货|(?:{UNIT_COUNTERS}|味|号|款|装|色|码)(?:的|子)?")


def asks_which_link(normalized: str) -> bool:
    """Whether the whole line asks which link a thing is ("洗面奶几号"): a product elsewhere named,
    whatever the product in view says of it; "有防晒吗" with a foundation on stage asks the foundation."""
    return _WHICH_LINK_RE.match(normalized.strip()) is not None


def thing_asked_for(normalized: str) -> str:
    """The thing a whole line asks whether the room has, or which link it is ("有没有充电宝" ->
    "充电宝", "洗面奶几号" -> "洗面奶"): where to buy it. "" when the line asks more or names nothing
    but fillers ("有没有人" names a person: the caller checks the thing against the catalog's names;
    "生日几号" names none of its goods)."""
    for pattern in _HAS_THING_RES:
        match = pattern.match(normalized.strip())
        if match:
            thing = match.group(1).strip()
            if len(thing) >= 2 and _NAME_FILLER_RE.fullmatch(thing) is None:
                return thing
    return ""


# A person asked to do something with the viewer's order or money ("帮我查下", "差价能打到我卡里吗").
_PERSON_ASKED_RE = re.compile(
    r"帮我(?:查|看|申请|退|弄|处理|算)|打到我|退到我|到我(?:的)?(?:卡|账|支付宝|微信)"
)


def asks_the_protection_case(understanding: Understanding) -> bool:
    """Whether a price-protection question tells the day of the viewer's purchase
    (``purchase_told``), so that the catalog works the case out, and neither demands nor complains
    ("退我差价", "要投诉") nor asks a person to act ("帮我查下"): those stay a person's."""
    normalized = understanding.normalized
    return (
        understanding.intent is Intent.PRICE_PROTECTION
        and tells_a_purchase(normalized)
        and not mentions_a_fault(normalized)
        and _PERSON_ASKED_RE.search(normalized) is None
    )


# A demand or a complaint ("给我退", "我要退货", "要投诉"): the viewer's claim to process, whatever the days.
_DEMAND_OR_COMPLAINT_RE = re.compile(rf"{_DEMAND}|{_I_DEMAND}|{_COMPLAINT}")
# What makes a day told no receipt of the viewer's goods to hold against the window: goods not
# received ("没收到", "未签收"), received by someone else ("商家签收3天了"), something else received
# ("收到红包"), or a return under way ("退货寄回了", "还没退款").
_NOT_THE_GOODS_RECEIVED_RE = re.compile(
    r"(?:没|未|没有|还没)(?:有)?(?:收到|签收|到货|收货)|(?:商家|卖家|仓库|你们|对方|快递员?)(?:已经?)?(?:签收|收到)|"
    r"收到(?:了)?(?:红包|券|优惠券|短信|通知|退款|钱)|退货了|寄回|退回去|已经退|退款"
)


def asks_the_return_case(understanding: Understanding) -> bool:
    """Whether a question about returns tells the day the viewer received or bought the goods
    (``purchase_told``: "收到5天了还能退吗", "3天前买的能退吗"), so that the no-reason window is worked
    out for it; not goods never received, received by another or a return under way
    (``_NOT_THE_GOODS_RECEIVED_RE``), a fault ("收到5天坏了"), a repair, the steps of a request, a
    demand or complaint, or a person asked to act ("帮我退"): those stay a person's."""
    normalized = understanding.normalized
    return (
        understanding.intent is Intent.AFTER_SALES
        and (tells_a_receipt(normalized) or tells_a_purchase(normalized))
        and _NOT_THE_GOODS_RECEIVED_RE.search(normalized) is None
        and not mentions_a_fault(normalized)
        and not asks_warranty(normalized)
        and not asks_a_procedure(normalized)
        and _DEMAND_OR_COMPLAINT_RE.search(normalized) is None
        and _PERSON_ASKED_RE.search(normalized) is None
    )


def works_out_a_case(understanding: Understanding) -> bool:
    """Whether the line tells the viewer's own case of a policy that the catalog works out
    (``asks_the_protection_case``, ``asks_the_return_case``): answered, not handed to a person for
    being about the viewer's own order."""
    return asks_the_protection_case(understanding) or asks_the_return_case(understanding)


def goods_of_a_kind_asked(normalized: str) -> str:
    """The goods the line asks whether the room has (``thing_asked_for``, ``sold_thing``: its first
    word, the last of a 的 phrase), when named as goods of a kind, their last character a head noun
    of goods (``vocabulary.GOODS_HEADS``: "有没有蚕丝被" -> "蚕丝被", "有没有保温饭盒 上班带饭用的" ->
    "保温饭盒", "有没有同款的毛衣裙" -> "毛衣裙"), or a model typed in letters and digits ("有iPhone17吗");
    "" for a person, an event, a colour, a size or an ingredient ("有没有人", "有没有抽奖", "有没有黑色",
    "有没有酒精啊")."""
    words = (thing_asked_for(normalized) or sold_thing(normalized)).split()
    thing = words[0].rpartition("的")[2] if words else ""
    if _MODEL_NAME_RE.fullmatch(thing):
        return thing
    return thing if len(thing) >= 2 and (thing[-1] in GOODS_HEADS or thing.endswith(GOODS_HEAD_WORDS)) else ""


_MODEL_NAME_RE = re.compile(r"[a-z]+\d+[a-z\d]*")  # "iphone17", "gt4", "s24ultra"


def asks_whether_sold(normalized: str) -> bool:
    """Whether the line asks if the room sells or has a thing (``_SELLS_RE``, ``_HAS_IT_RE``,
    ``_HAS_FOR_SALE_RE``): a question about its assortment, never chat, whatever the thing."""
    return (
        _SELLS_RE.search(normalized) is not None
        or _HAS_IT_RE.search(normalized) is not None
        or _HAS_FOR_SALE_RE.match(normalized.strip()) is not None
    )


# A version come back in stock asked ("黑色M到货没", "米白什么时候补货").
_RESTOCK_RE = re.compile(r"到货|补货|上货")
# Another term asked of goods bought in a flash sale ("秒杀的能退吗", "秒杀的包邮吗", "秒杀的有保修吗"):
# that term's policy, not the flash sale.
_TERMS_ASKED_RE = re.compile(
    rf"(?:能|可以|能不能|可不可以|支持)(?:退|换)|退货|退换|换货|无理由|包邮|运费|邮费|{WARRANTY}"
)


def _names_a_version(normalized: str) -> bool:
    """Whether the line names a colour or a size (the slots' reading)."""
    slots = extract_slots(normalized)
    return slots.color is not None or slots.size is not None


def classify_intent(normalized: str) -> Intent | None:
    """The first intent rule that matches the normalised question, or None when none does."""
    if only_about_the_host_or_show(normalized):
        return Intent.OTHER
    if compared_elsewhere(normalized) or any(
        r.search(normalized)
        for r in (
            _CONTACT_RE,
            _BUSINESS_RE,
            _CODE_ASKED_RE,
            _SHIPS_FROM_RE,
            _MEASURE_ASKED_RE,
            _KEEPS_FOR_RE,
            _OTHER_PRODUCT_COMPARED_RE,
            _BOUGHT_TOGETHER_RE,
            _LIKE_PHOTO_RE,
            _TASTE_RE,
        )
    ):
        return Intent.OTHER
    if _RESTOCK_RE.search(normalized) and _names_a_version(normalized) and not about_own_order(normalized):
        return Intent.STOCK  # "黑色M到货没", "米白什么时候到货": a version back in stock, no parcel
    for intent, pattern in _RULES:
        if intent is Intent.FLASH_SALE and _TERMS_ASKED_RE.search(normalized):
            continue  # "秒杀的能退吗": the return terms of goods bought in a flash sale
        if pattern.search(normalized):
            return intent
    if sold_thing(normalized):  # where to buy it: its link, or a person when nothing is called so
        return Intent.HOW_TO_ORDER
    return None


def understand(text: str) -> Understanding:
    """Normalise, triage and (for questions) classify one danmaku; see the module docstring."""
    normalized = normalize(text)
    kind = triage(normalized)
    language = detect_language(normalized)
    if kind is not Triage.QUESTION:
        return Understanding(normalized=normalized, triage=kind, language=language)
    return as_question(Understanding(normalized, kind, language=language))


def as_question(understanding: Understanding) -> Understanding:
    """``understanding`` read as a question (intent and slots classified) whatever its triage said:
    for a line the rules took for chatter that the understanding model takes up."""
    normalized = understanding.normalized
    slots = extract_slots(normalized)
    intent = classify_intent(normalized)
    if intent in (None, Intent.SIZE) and _asks_for_a_version(normalized, slots):
        intent = Intent.STOCK  # whether a version is there: "有黑色的M吗", "有米白的L吗"
    measured = slots.measured
    sizes = (
        _WHICH_SIZES_RE.search(normalized)
        if intent in (Intent.SIZE, Intent.STOCK, None) and not measured
        else None
    )
    if sizes is not None:  # which sizes there are ("黑色有什么码"): the list, or what is left, no advice
        intent = Intent.STOCK if "还" in sizes.group(0) else Intent.VARIANT
    if intent is None:
        intent = Intent.SIZE if measured else Intent.OTHER
    return Understanding(normalized, Triage.QUESTION, intent, slots, understanding.language)


RefKind = Literal["stage", "link", "name", "previous"]


@dataclass(frozen=True, slots=True)
class ProductRef:
    """How a danmaku points at a product.

    ``stage``: 这个 / 这款 / 主播手上的 / this one (the product on stage at the message time);
    ``link``: 3号链接 (``link_no``); ``name``: a product name candidate (``text``, a span the
    resolver still has to match against catalog names and aliases); ``previous``: a follow-up
    that leans on the viewer's last product (那黑色的呢, 还有L码吗, 它保质期多久).
    """

    kind: RefKind
    link_no: int | None = None
    text: str = ""


# A demonstrative with a counter: the product in view ("这个", "这双", "这块"); 这 alone before a
# noun of goods ("这裤子多少钱", "这衣服", "这鞋"), as typed in a hurry.
_BARE_THIS = rf"这(?=[{''.join(ONE_CHARACTER_GOODS)}]|衣服|外套)"
_STAGE_DEMONSTRATIVES = (
    "这个|这款|这件|这条|这双|这套|这瓶|这支|这只|这盒|这种|这一款|这把|这口|这台|这顶|这块|" + _BARE_THIS
)
# 它 (and "it") is no stage word: "34号多少钱 … 它保质期多久" means link 34, the viewer's last product
# (a follow-up, ``_PRONOUN_RE``); with none in the dialogue the resolver takes the product on stage.
_STAGE_RE = re.compile(
    rf"{_STAGE_DEMONSTRATIVES}|主播(手上|手里|身上|穿|用|拿|介绍|讲)|"
    r"同款|现在(这|讲|卖)|正在(讲|卖)|(?<![a-z])this(?![a-z])"
)
# A stage word right before a noun that names goods alone (``vocabulary.ONE_CHARACTER_GOODS``).
# 那个 / 那款 before one as well ("那个锅多少" with a chopping board on stage: a wok of the cart).
_STAGE_BEFORE_GOODS_RE = re.compile(
    rf"(?:{_STAGE_DEMONSTRATIVES}|那个|那款|那件|那条|那双|那只|那台|那把|那口)(?=[{''.join(ONE_CHARACTER_GOODS)}])"
)
_FOLLOWUP_START_RE = re.compile(r"^(那|那么|还有|另外|再问|然后|and |what about|how about)")
_FOLLOWUP_FRAGMENT_RE = re.compile(r"^.{1,8}(的)?呢\??$")
_PRONOUN_RE = re.compile(r"(?<!其)它|那个|那款|(?<![a-z])(it|that one)(?![a-z])")  # 其它 is "other"
# Before the first intent keyword or question word, what is left once slot words and these fillers
# are blanked (2+ Chinese characters) is a product-name candidate: "羽绒服多少钱" -> "羽绒服".
_QUESTION_WORD_RE = re.compile(
    rf"多少|多久|多长|多大|多重|为什么|为啥|什么|怎么|如何|{ASKING_JI}|哪|能不能|可不可以|有没有|是不是|吗|呢|\?"
)
# A count of units ("坚果一包多少g", "面膜一片多少ml"): no part of a name (a version may be one: "60包").
_COUNT_OF_UNITS_RE = re.compile(rf"(?:[一两二三四五六七八九十几半]|\d+)(?:{UNIT_COUNTERS})")
_NAME_FILLER_RE = re.compile(
    # a date ("10月25日买的"); 那 opening a follow-up ("那栗色36还有吗"), not 那 of "那件开衫" or "那个"
    rf"\d{{1,2}}\s*月\s*\d{{1,2}}\s*[日号]?|\d{{1,2}}\s*[日号](?=买|拍|下单|下的|的)|"
    rf"^那(?![个款件条双只瓶盒台套支把张种些边里儿])|{ACKNOWLEDGEMENTS}|当时|那时候?|花了|请问|问(?:您|你)?一?下|想问|主播|{ADDRESSED_VIEWERS}|你们|我们|我家|我的|[我你他她您]|今天|明天|后天|今晚|明晚|今夜|现在|一天|"
    rf"这个|这款|那个|那款|{_BARE_THIS}|这边|那边|这里|那里|这儿|那儿|{SKIN_TONES}|[吗呢吧啊呀哦的了么是有没能可以要想会也还和跟都就才又]|[\d\s?!,.。a-z]"
)
_CJK_SPAN_RE = re.compile(r"[\u4e00-\u9fff]{2,12}")


def is_followup_reference(text: str) -> bool:
    """Whether a danmaku leans on the earlier dialogue (那黑色的呢 / 还有L码吗 / 它保价吗 / what about)."""
    normalized = normalize(text)
    return bool(
        _FOLLOWUP_START_RE.search(normalized)
        or _FOLLOWUP_FRAGMENT_RE.search(normalized)
        or _PRONOUN_RE.search(normalized)
    )


def extract_product_reference(text: str) -> ProductRef | None:
    """How ``text`` refers to a product: link number > stage words > a name span > a follow-up.

    A stage reference also carries a name span when there is one ("这个羽绒服" -> stage, "羽绒服"),
    so the resolver can check that the product on stage is the one meant.
    """
    normalized = normalize(text)
    slots = extract_slots(normalized)
    if slots.link_no is not None:
        return ProductRef("link", link_no=slots.link_no)
    name = _name_span(normalized)
    if _STAGE_RE.search(normalized):
        return ProductRef("stage", text=name)
    if name:
        return ProductRef("name", text=name)
    if is_followup_reference(normalized):
        return ProductRef("previous")
    return None


def goods_head(normalized: str) -> str:
    """The one-character noun of goods (``vocabulary.ONE_CHARACTER_GOODS``) the line asks about, at
    its start or right after a stage word, alone or with 子 ("鞋多少钱", "这个锅多少钱" -> "锅",
    "这条裙子多少钱" -> "裙"), "" when there is none: the noun must be all that stands before the
    question, fillers aside ("这个杯垫多少钱" names no cup). A name span needs two characters and
    "裙子" may be held by no name; this is the kind of goods the viewer means, which the resolver
    checks against the product in view."""
    before = normalized[: _question_start(normalized)]
    starts = [0] + [m.end() for m in _STAGE_BEFORE_GOODS_RE.finditer(before)]
    for start in starts:
        rest = _NAME_FILLER_RE.sub(" ", before[start:]).split()
        first = before[start : start + 1]
        if rest and first in ONE_CHARACTER_GOODS and rest[0] in (first, f"{first}子"):
            return first
    return ""


@lru_cache(maxsize=1024)
def _question_start(normalized: str) -> int:
    """Where the question begins: the first intent keyword or question word (the end when none).
    Cached: the name span and the goods head both start from it for the same line."""
    cut = len(normalized)
    for _, pattern in (*_RULES, (Intent.OTHER, _QUESTION_WORD_RE)):
        match = pattern.search(normalized, 0, cut)
        if match:
            cut = match.start()
    return cut


# A negated modifier before 的 and a noun ("不含税的笔记本", "没拆封的面霜"): the noun is the goods
# named ("耳机的续航", "杨枝甘露的牌子": the goods come first there).
MODIFIER = r"(?:不|没|无|非)[\u4e00-\u9fff]{1,6}的"
_MODIFIER_RE = re.compile(rf"{MODIFIER}(?=[\u4e00-\u9fff]{{2,}})")


def _name_span(normalized: str) -> str:
    cut = _question_start(normalized)
    head = _NAME_FILLER_RE.sub(
        " ",
        _MODIFIER_RE.sub(
            " ", _COUNT_OF_UNITS_RE.sub(" ", strip_slot_words(_STAGE_RE.sub(" ", normalized[:cut])))
        ),
    )
    spans = _CJK_SPAN_RE.findall(head)
    return max(spans, key=len) if spans else ""
