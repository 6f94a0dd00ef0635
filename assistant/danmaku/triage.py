"""Triage: is a (normalised) danmaku a question for the assistant, chatter, spam, abuse or steering?

Only QUESTION gets an answer. The order of the checks is the policy:

1. empty -> CHATTER (a no-op); longer than ``MAX_DANMAKU_CHARS`` -> SPAM (platforms cap a danmaku
   at about 100 characters; a wall of text is never a shopping question);
2. ABUSE (a small list of insults; the text is never echoed), before anything else, so an insult
   wrapped around a question is still not answered;
3. STEERING (prompt injection such as "忽略之前的指令", "ignore previous instructions", and
   danmaku that dictate what the bot should say: "说这个只要1块");
4. SPAM (links, QQ / 微信号 / 加V, phone numbers, 兼职刷单, a phrase repeated three times);
5. a line that opens by addressing another viewer ("@小鹿 你上次买的哪个色") -> CHATTER: viewers
   talking among themselves ("@主播", "@客服" address the room as usual);
6. QUESTION or CHATTER from question cues, shopping topics and chatter markers:
   - a purchase confirmation with no question cue ("已拍", "买了") is chatter;
   - a request topic (链接, 价格, 包邮, 尺码推荐, coupon, size ...) is a question even with no
     question mark ("链接", "上链接", "主播好美，链接");
   - a soft topic (颜色, 质量, 面料 ...) is a question unless it is praise without a cue
     ("这个颜色好好看" is chatter, "颜色好看吗" a question);
   - chatter or praise with only a yes/no cue ("主播好美啊有没有", "主播在吗") or an exclamation
     ("怎么这么好看") is chatter; with a wh-cue ("主播好美，衣服什么牌子") it is a question, and so
     is a question piece beside courtesies ("有黑色吗 谢谢");
   - otherwise any cue (吗 呢 ? 多少 几 什么 怎么 哪 能不能 ..., English wh-words or a leading
     is/can/do ...) makes a question.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.danmaku.compliance import looks_like_injection
from assistant.danmaku.types import Triage
from assistant.danmaku.vocabulary import ADDRESSED_VIEWERS, ASKING_JI, LAUGH
from knowledge.retrieval.chunks import CLAUSE_END_MARKS, SENTENCE_END_MARKS, sentences

MAX_DANMAKU_CHARS = 200

_ABUSE_RE = re.compile(
    r"傻逼|傻b|傻屄|煞笔|沙比|傻叉|(?<![a-z])sb(?![a-z])|智障|脑残|弱智|白痴|蠢货|蠢猪|废物|"
    r"垃圾主播|主播(是)?垃圾|骗子主播|主播(是)?骗子|你是骗子|死骗子|去死|死全家|滚蛋|滚出去|滚吧|^滚|"
    r"草泥马|操你|艹你|日你|你妈的|你妈逼|他妈的|(?<![a-z])(tmd|cnm|nmsl|mlgb|wtf)(?![a-z])|"
    r"fuck|shit|bitch|狗东西|狗主播|贱人|婊子|丑八怪|丑逼"
)
_STEERING_RE = re.compile(
    r"^(请|你|给我|帮我|机器人|ai|助手|客服)?(说|回复|回答|宣布|告诉大家|跟我说|重复)[:]?.{0,12}"
    r"(只要|只卖|只需|免费|白送|0元|不要钱|\d+(\.\d+)?(元|块))"
    r"|重复我的话|跟我(一起)?说|跟着我说|学我说|复读|骂(一下)?(主播|他|她|我|人)"
    r"|pretend|role-?play|repeat after me|say (it|this|that) (is|costs) (free|\$?\d)"
)
_SPAM_RE = re.compile(
    r"https?://|www\.|\.(com|cn|net|top|xyz|vip|cc)(?![a-z])|"
    r"(加|\+|添加|联系|私聊|私信|找)\s*(我|v|vx|wx|微|薇|威|q|qq|扣扣|群)(?![a-z])|"
    r"(微信|威信|薇信|v信|vx|wx|qq|扣扣|q群|qq群)\s*[:号]?\s*[a-z0-9_-]{5,}|"
    r"(?<!\d)1[3-9]\d{9}(?!\d)|"
    r"兼职|刷单|日赚|日结|躺赚|招代理|代理加盟|点我头像|看我主页|主页有福利|进群|加群|福利群|彩票|博彩|赌博|裸聊|贷款|套现"
)
_REPEAT_RE = re.compile(r"(.{4,}?)\1{2,}")

_DONE_RE = re.compile(
    r"已拍|已买|已下单|已抢|已付款|拍了|买了|下单了|抢到了|拍到了|付款了|收到了|到手了|"
    r"(?<![a-z])(bought|ordered|purchased)(?![a-z])"
)
_WH_RE = re.compile(
    rf"多少|{ASKING_JI}|什么|怎么|如何|哪|为什么|多久|多大|多长|多高|多重|多厚|多宽"
    r"|(?<![a-z])(how|what|when|where|which|why)(?![a-z])"
    r"|^(is|are|do|does|can|could|will|would|any|should|did|has|have)(?![a-z])"
)
_YESNO_RE = re.compile(
    # "X不" ends a yes/no question at the end of the line or of a piece ("能用不 宝宝们")
    r"吗|呢|\?|([\u4e00-\u9fff]{1,2})不\1|[\u4e00-\u9fff]不(?=$|\s)|可不可以|有没有|是不是|对不对|还是"
)
_REQUEST_TOPIC_RE = re.compile(
    r"链接|小黄车|购物车|价格|价钱|价位|多少钱|几块|几元|优惠|券|折扣|打折|满减|秒杀|开抢|保价|差价|"
    r"库存|有货|没货|缺货|补货|断码|包邮|邮费|运费|快递|物流|发货|到货|几天到|尺码|码数|推荐.{0,2}码|"
    r"身高|体重|\d+斤|\d+kg|偏大|偏小|退货|退换|退款|换货|售后|保修|质保|运费险|怎么买|下单|"
    r"花呗|分期|白条|信用卡|发票|介绍一下|介绍下|讲一下|讲讲|"
    r"(?<![a-z])(price|cost|ship|shipping|delivery|deliver|size|stock|coupon|discount|sale|return|refund|link|"
    r"buy|order|colou?rs?|material|fabric|warranty)(?![a-z])"
)
# The price or one of the shop's terms judged, said as the whole line ("这个价格可以的", "价格美丽", "包邮
# 就是爱", "京东快递就是快", "保价这个功能好"): praise, nothing asked ("价格美丽 求链接" asks the link;
# "价格可以吗", "包邮吗" are questions by their cue, and a term said alone, "包邮", asks for it).
_TERMS_JUDGED_RE = re.compile(
    r"(?:这个|这)?(?:"
    # the price judged, a judgement alone enough ("价格美丽", "价格可以的")
    r"(?:价格|价钱|价位|这价)(?:真|很|挺|也|还|太|好|超|巨|蛮)?"
    r"(?:可以|美丽|不错|还行|划算|实惠|香|感人|合适|良心|ok|好|不贵)"
    # a term judged with a word that makes it a statement ("包邮就是爱", "顺丰真的快", "保价这个功能好",
    # "包邮好评"); bare "发货快", "包邮可以" may be a question typed without 吗
    r"|(?:包邮|运费险|保价|价保|七天无理由|7天无理由|满减|(?:顺丰|京东|中通|圆通|韵达|极兔)(?:快递|物流|发货)?"
    r"|快递|物流|发货)"
    r"(?:(?:这个功能|这个服务|服务)?(?:真的|真|就是|很|挺|也|太|超|巨|蛮|是真的|这个功能|这个服务)"
    r"(?:可以|不错|香|划算|实惠|良心|好|快|棒|爱|贴心|给力|靠谱|赞)|好评|真香|yyds)"
    r")(?:的|了|啊|呀|哦|呢|!|~|\s|哈)*"
)
_SOFT_TOPIC_RE = re.compile(
    r"颜色|色号|颜值|质量|面料|料子|材质|款式|版型|效果|味道|牌子|品牌|成分|适合|尺寸"
)
# Praise, greetings and cheering (牛 is praise; 牛奶, 牛仔裤, 牛轧糖 are goods and 蒙牛 a maker).
_CHATTER_RE = re.compile(
    r"好美|好漂亮|漂亮|好看|好帅|帅|可爱|爱了|爱你|喜欢|美女|仙女|女神|绝了|绝绝子|好绝|绝美|(?:好|太|真)正(?!品|宗|常|装|码)|"
    r"(?:好|太|超|很)适合(?!.{0,6}(?:吗|么|不|没))|"
    r"yyds|(?<![a-z])nb(?![a-z])|"
    rf"(?<!蒙)牛(?![奶仔肉排轧油皮角])|厉害|^6+$|666|{LAUGH}|来了|来啦|打卡|报到|支持|加油|冲|晚上好|早上好|下午好|你好|大家好|"
    r"主播好|哈喽|在吗|在不在|谢谢|感谢|点赞|关注了|晚安|很好|真好|不错|好好|挺好|超好|好棒|舒服|"
    r"(?<![a-z])(love|beautiful|pretty|nice|cool|wow|lol|haha|hello|hi|hey|awesome|amazing|thanks)(?![a-z])"
)
_EXCLAIM_RE = re.compile(r"怎么(这么|那么|会这么)|什么神仙|什么鬼|也太|太.{1,3}了")
# A yes/no question mark at the end turns praise words into a question ("充电宝能冲笔记本吗", "支持花呗吗"),
# except for greetings that only look like questions.
_ENDS_AS_QUESTION_RE = re.compile(r"(吗|么|嘛|\?)$")
_GREETING_QUESTION_RE = re.compile(r"^(主播|宝宝们?|大家)?(在吗|在不在|好吗|你好吗|还好吗|好美|好看|漂亮|帅)")
# A last piece that only asks whether someone is there ("嗯嗯 还在吗", "主播还在不在"): a greeting.
_STILL_THERE_RE = re.compile(r"^(主播|宝宝们?|大家|亲|人)?还?(在吗|在么|在嘛|在不在|在没)\??$")


@lru_cache(maxsize=4096)
def pieces(normalized: str) -> tuple[str, ...]:
    """A line cut at sentence and clause marks and at spaces, each piece without its commas.
    Cached: the triage, the reading of a line's first question and the host check all cut it."""
    if _PIECE_MARK_RE.search(normalized) is None:
        return (normalized.strip(),) if normalized.strip() else ()
    cut = (p.strip(",，、") for s in sentences(normalized, clauses=True) for p in s.split())
    return tuple(p for p in cut if p)


# What cuts a line into pieces (``pieces``: the sentence splitter's marks, spaces, 、): none of
# them, and the line is one piece.
_PIECE_MARK_RE = re.compile(f"[\\s、{re.escape(SENTENCE_END_MARKS + CLAUSE_END_MARKS)}]")


_ADDRESS_EDGE_RE = re.compile(rf"^(?:{ADDRESSED_VIEWERS})[\s,]*|[\s,]*(?:{ADDRESSED_VIEWERS})[!?~]*$")


@lru_cache(maxsize=4096)
def asked_clauses(normalized: str) -> tuple[str, ...]:
    """The pieces of a line of several that ask something (``pieces``, each with a question cue of
    the rules above: "能卸妆吗 我只涂了防晒" -> ["能卸妆吗"], "有糖吗,减肥能吃吗?" -> both), with the
    viewers addressed at either end taken off ("孕妇可以用不 宝宝们" -> ["孕妇可以用不"]); [] when the
    line is one piece with no one addressed (the caller has read it whole). A piece of one
    character asks nothing. Cached: the pipeline, its further questions and the FAQ all ask."""
    parts = [_ADDRESS_EDGE_RE.sub("", p) for p in pieces(normalized)]
    clauses = tuple(p.rstrip("?") for p in parts if len(p) >= 2 and (_WH_RE.search(p) or _YESNO_RE.search(p)))
    return () if clauses == (normalized.rstrip("?"),) else clauses


def is_abusive(normalized: str) -> bool:
    """Whether the (normalised) text contains an insult (never answered, never echoed)."""
    return _ABUSE_RE.search(normalized) is not None


def advertises(normalized: str) -> bool:
    """Whether the (normalised) text carries a link, a contact handle (QQ / 微信 / 加V), a phone
    number or a known ad phrase."""
    return _SPAM_RE.search(normalized) is not None


def is_steering(normalized: str) -> bool:
    """Whether the danmaku tries to steer the bot (prompt injection or dictated replies)."""
    return looks_like_injection(normalized) or _STEERING_RE.search(normalized) is not None


_LAUGH_RE = re.compile(LAUGH)
# Asking for something without a question word ("求链接哈哈", "上一下那个", "给个券", "上链接"): a request.
_ASKS_FOR_RE = re.compile(r"求|想要|给个|发一?下|上一?下|来一?个|要|[上发挂](?:个)?(?:链接|车)")


def _testifies(normalized: str) -> bool:
    """Whether a line of several pieces praises or cheers in one of them (a piece only judging the
    price well: "价格也美丽"; praise or cheering: "姐妹们放心冲", "链接冲"), where no piece is a shop
    word alone ("主播好美 链接" asks for the link): what a viewer testifies to the room."""
    parts = pieces(normalized)
    if len(parts) < 2 or any(_REQUEST_TOPIC_RE.fullmatch(p) for p in parts):
        return False
    return any(_TERMS_JUDGED_RE.fullmatch(p) or _CHATTER_RE.search(p) for p in parts)


def has_question_cue(normalized: str) -> bool:
    """Whether the line asks by its words (a wh- word or a yes/no cue), whatever topic it names:
    "今天满减到几点结束" does, "主播说的满减我记住了" does not."""
    return _WH_RE.search(normalized) is not None or _YESNO_RE.search(normalized) is not None


def is_question(normalized: str) -> bool:
    """Question vs chatter for a danmaku that is neither abuse, steering nor spam (rules above)."""
    wh = _WH_RE.search(normalized) is not None
    cue = wh or _YESNO_RE.search(normalized) is not None
    if not cue and (_DONE_RE.search(normalized) or _TERMS_JUDGED_RE.fullmatch(normalized.strip())):
        return False
    if (
        not cue
        and _ASKS_FOR_RE.search(normalized) is None
        and (_testifies(normalized) or _LAUGH_RE.search(normalized) is not None)
    ):
        # nothing asked nor asked for: a testimony to the room ("大白被真的软 我家三床了 价格也美丽",
        # "…去年那箱巨甜 链接冲") or a laugh at it ("弹幕好多人问尺码哈哈")
        return False
    if _only_asks_who_is_there(normalized):  # "[链接] 在吗", "小黑瓶 在吗": an opener, no question yet
        return False
    if _REQUEST_TOPIC_RE.search(normalized):
        return True
    chatter = _CHATTER_RE.search(normalized) is not None
    if _SOFT_TOPIC_RE.search(normalized):
        return cue or not chatter
    if chatter:
        asks = wh or (_ENDS_AS_QUESTION_RE.search(normalized) is not None and len(normalized) >= 4)
        return (asks and _EXCLAIM_RE.search(normalized) is None and not _only_greets(normalized)) or (
            _asks_beside_courtesies(normalized)
        )
    return cue


def _only_asks_who_is_there(normalized: str) -> bool:
    """Whether the line's last piece only asks whether someone is there and no other piece asks
    anything (what it names, a pasted link or a product, is what the question to come is about)."""
    parts = pieces(normalized)
    if len(parts) < 2 or _STILL_THERE_RE.match(parts[-1]) is None:
        return False
    return not any(_WH_RE.search(p) or _YESNO_RE.search(p) for p in parts[:-1])


def _only_greets(normalized: str) -> bool:
    """Whether a line's question is only a greeting: it opens with one ("在吗", "主播好美吗") or its
    last piece asks whether someone is there ("嗯嗯 还在吗")."""
    if _GREETING_QUESTION_RE.search(normalized):
        return True
    parts = pieces(normalized)
    return bool(parts) and _STILL_THERE_RE.match(parts[-1]) is not None


# A piece that asks nothing of its own ("真的吗", "是吗", "对吧"): beside chatter it stays chatter.
_BARE_ASK_RE = re.compile(r"^(真的|是真的|是|对|好|行|可以|在|不是|是不是)(吗|么|嘛|吧|呢)?\??$")


def _asks_beside_courtesies(normalized: str) -> bool:
    """Whether one piece of a line (split at sentence and clause marks and spaces) is a question on
    its own while the chatter is elsewhere: "有黑色吗 谢谢", "黑色还是白色? 好的,谢谢", "支持七天无理由
    吗 买了不合适能退不". A piece with a chatter word or an exclamation never counts ("好看吗 谢谢"
    stays chatter)."""
    for piece in pieces(normalized):
        if (
            len(piece) < 2
            or _CHATTER_RE.search(piece)
            or _EXCLAIM_RE.search(piece)
            or _BARE_ASK_RE.match(piece)
        ):
            continue
        if _WH_RE.search(piece) or _ENDS_AS_QUESTION_RE.search(piece) or _PIECE_ASKS_RE.search(piece):
            return True
    return False


# A piece asks by an A-not-A at its end ("买了不合适能退不") or a choice of yes or no ("七天无理由有没有").
_PIECE_ASKS_RE = re.compile(r"[\u4e00-\u9fff]不$|有没有|能不能|可不可以")


# The openers and thanks of a message to a service desk ("在吗 想问下开发票的事", "谢谢 明天能到吗"): the
# model learned them as a person's matter, so they stay part of the line it reads.
_SERVICE_OPENER_RE = re.compile(r"在吗|在不在|谢谢|感谢|你好|您好|请问|亲|麻烦")


def _cheers(piece: str) -> bool:
    """Whether a piece only cheers, greets the room or praises ("来了来了", "哈哈哈", "主播好美")."""
    return bool(
        _CHATTER_RE.search(piece)
        and not _SOFT_TOPIC_RE.search(piece)
        and not _SERVICE_OPENER_RE.search(piece)
    )


# A piece that only begs the room for a reply or says the viewer waits for it ("求回复", "回我一下",
# "拜托了", "在线等 急", "蹲一个"): said after a question in a live room, it asks nothing more.
# Thanks are not among them: a service desk's customer closes a line about an order with them too.
_PLEA_RE = re.compile(
    r"(?:(?:主播|小助理|助理|客服)?(?:求求(?:你|您)?了?|拜托(?:了|啦|你了)?|求回(?:复|答)?|"
    r"(?:快|请)?回(?:我|复)(?:一下|下)?(?:呗|吧)?|理(?:一下|下)?我|看(?:一下|下)?我|在线等|急+|着急|"
    r"在?蹲+(?:一个|一波|一下|了|住)?))+[!?~.]*"
)


# A piece that only calls the host, the assistant, the shop or the room ("主播", "@主播", "小助理", "亲",
# "宝宝们").
_ADDRESS_RE = re.compile(
    rf"@?\s*(?:(?:主播|小助理|助理|客服|老板)(?:姐姐|小姐姐|哥哥|小哥哥|大大|宝宝)?|亲亲?|{ADDRESSED_VIEWERS})[~!.]*"
)


# A piece that only excuses the viewer or announces a question ("不好意思", "打扰一下", "想问个问题",
# "再问一下"): said before a question, it asks nothing itself. 请问 and 你好 are service openers
# (``_SERVICE_OPENER_RE``) and stay.
_ANNOUNCES_RE = re.compile(
    r"(?:不好意思|打扰(?:一下|下|了|啦)?|冒昧(?:问一下)?)?[~.!]*"
    r"(?:我?(?:想|再|在|还|还想|就)?(?:问|请教|咨询)(?:一?个|一下|下|两个|几个)?(?:问题|事儿?)?)?[哈啊呀哦~.!]*"
)


def without_chatter_around(normalized: str) -> str:
    """The line's question without the pieces around it that ask nothing: before it, pieces that
    only cheer, greet the room or praise, with no shop word and no service opener (``_cheers``), or
    only call the host ("主播", "@主播": ``_ADDRESS_RE``), or only excuse the viewer or announce a
    question ("不好意思", "想问个问题": ``_ANNOUNCES_RE``): "来了来了 今天精华多少钱" -> "今天精华多少钱",
    "哈哈哈 有黑色吗" -> "有黑色吗", "@主播 多少钱" -> "多少钱"; after it, pieces that
    only beg for a reply (``_PLEA_RE``): "什么快递 回我一下" -> "什么快递". The line itself otherwise.
    What the understanding model reads: it learned a spaced line of service talk as a person's, and
    a cheer or a plea around a question is no such line."""
    parts = pieces(normalized)
    if len(parts) < 2:
        return normalized
    spans, at = [], 0
    for piece in parts:  # each piece is a substring of the line, in order
        at = normalized.index(piece, at)
        spans.append((at, at + len(piece)))
        at += len(piece)
    first = next((i for i, piece in enumerate(parts) if is_question(piece)), None)
    if first is None or (
        first > 0
        and not all(
            _cheers(p) or _ADDRESS_RE.fullmatch(p) or _ANNOUNCES_RE.fullmatch(p) for p in parts[:first]
        )
    ):
        return normalized
    last = len(parts) - 1
    while last > first and _PLEA_RE.fullmatch(parts[last]):
        last -= 1
    if first == 0 and last == len(parts) - 1:
        return normalized
    return normalized[spans[first][0] : spans[last][1] if last < len(parts) - 1 else len(normalized)]


# A line that opens by addressing another viewer ("@小鹿 …"): the host, the assistant or the shop
# addressed so ("@主播 多少钱", "@客服 …") is asked as usual.
_TO_A_VIEWER_RE = re.compile(
    r"^@\s*(?!(?:主播|小助理|小助手|助理|助手|客服|官方|老板|店长|店主|场控|管理|所有人|全体|大家))\S"
)


def triage(normalized: str) -> Triage:
    """What the normalised danmaku is (``normalize.normalize`` output; see the module rules)."""
    text = normalized.strip()
    if not text:
        return Triage.CHATTER
    if len(text) > MAX_DANMAKU_CHARS:
        return Triage.SPAM
    if is_abusive(text):
        return Triage.ABUSE
    if is_steering(text):
        return Triage.STEERING
    if advertises(text):
        return Triage.SPAM
    if _TO_A_VIEWER_RE.match(text):
        return Triage.CHATTER  # "@小鹿 你上次买的哪个色": one viewer to another, not to the shop
    question = is_question(text)
    if not question and _REPEAT_RE.search(text):
        return Triage.SPAM
    return Triage.QUESTION if question else Triage.CHATTER
