"""Compliance of everything the assistant says: banned absolute terms, efficacy claims, injection.

广告法 第九条 forbids absolute and superlative claims (最, 最佳, 第一, 国家级, 全网最低 ...) and
cosmetics / food rules forbid medical or efficacy claims (治疗, 根治, 药用, 减肥神器 ...). The
product rule here is conservative: **no output contains the character 最 at all**, nor any other
term of ``BANNED_TERMS``, whatever its source (our templates, a product description we echo, an
LLM answer, a viewer's words we quote). Harmless time and quantity words that use 最 are rewritten
to neutral ones (最近 -> 近期, 最多 -> 至多, 最后3单 -> 仅剩3单) rather than kept, because a reviewer
or a platform filter cannot tell them apart from claims at a glance; any other 最X becomes X
(最美 -> 美). ``REWRITES`` documents every rewrite; ``sanitize`` applies them and ``find_banned``
lists what a text contains.

``looks_like_injection`` flags text that tries to change the assistant's instructions (in a
danmaku or in operator-supplied catalog text) and ``drop_injected_sentences`` removes such
sentences from catalog text before it reaches a prompt.

``label_ai`` appends the visible AI mark (人工智能生成合成内容标识办法, 2025). The API reply carries
``ai_generated: true`` as the machine-readable label; the visible mark is the explicit label for
people reading the room, appended once.
"""

from __future__ import annotations

import re

# term -> replacement ("" drops it). Matched longest first, so 全网最低价 wins over 最低.
REWRITES: dict[str, str] = {
    # superlative price claims
    "全网最低价": "优惠价",
    "全网最低": "优惠",
    "全网最便宜": "实惠",
    "史上最低价": "优惠价",
    "史上最低": "优惠",
    "史上最": "",
    "最低价": "优惠价",
    "最低": "优惠",
    "最便宜": "实惠",
    "最划算": "划算",
    "最优惠": "优惠",
    # quality / ranking claims
    "最佳": "优质",
    "最好的": "优质的",
    "最好": "建议",  # 最好手洗 -> 建议手洗
    "最优": "优质",
    "最高级": "高品质",
    "最强": "出色",
    "最受欢迎": "受欢迎",
    "最热销": "热销",
    "最火": "热门",
    "最新": "新",
    # time and quantity words (rewritten too: no 最 in any output)
    "最近": "近期",
    "最多": "至多",
    "最少": "至少",
    "最高": "至多",
    "最晚": "不晚于",
    "最早": "不早于",
    "最快": "快至",
    "最大": "较大",
    "最小": "较小",
    "最后": "后续",  # 最后50单 -> 仅剩50单 (see _LAST_N_RE), 最后发货 -> 后续发货
    "最": "",
    "销量第一": "热销",
    "第一次": "初次",
    "第一": "",
    "全球首发": "新品",
    "首发": "新品",
    "首个": "",
    "首家": "",
    "首选": "推荐",
    "唯一的": "",
    "唯一": "",
    "独一无二": "独特",
    "独家": "专属",
    "顶级": "高品质",
    "顶尖": "高品质",
    "极品": "精品",
    "极致": "出色",
    "国家级": "",
    "世界级": "",
    "全球级": "",
    "宇宙级": "",
    "王牌": "主推",
    "销冠": "热销",
    "绝对": "",
    "万能": "多用途",
    "永久": "长期",
    "100%有效": "",
    "百分百有效": "",
    "百分之百有效": "",
    "无敌": "",
    "史无前例": "",
    "绝无仅有": "",
    "空前绝后": "",
    "零风险": "",
    "无副作用": "",
    # medical / efficacy claims (cosmetics, food)
    "减肥神器": "好物",
    "神器": "好物",
    "治疗": "护理",
    "根治": "护理",
    "治愈": "护理",
    "疗效": "效果",
    "药用": "",
    "特效": "",
    "祛斑": "提亮",
    "消炎": "舒缓",
    "抗炎": "舒缓",
    "排毒": "",
    "抗癌": "",
    "防癌": "",
    "包治": "",
}
# English output follows the same rule (word-bounded, case-insensitive).
REWRITES_EN: dict[str, str] = {
    "lowest price": "special price",
    "cheapest": "great value",
    "the best": "a great",
    "best": "great",
    "number one": "",
    "no. 1": "",
    "#1": "",
    "no.1": "",
    "no1": "",
    "top1": "",
    "world-class": "high-quality",
    "top-notch": "high-quality",
    "the only": "a",
    "100% effective": "effective",
    "guaranteed": "",
    "cures": "cares for",
    "cure": "care",
}
BANNED_TERMS: tuple[str, ...] = (*REWRITES, *REWRITES_EN)

_ZH_RE = re.compile("|".join(re.escape(t) for t in sorted(REWRITES, key=len, reverse=True)))
_EN_ALTERNATION = "|".join(re.escape(t) for t in sorted(REWRITES_EN, key=len, reverse=True))
_EN_RE = re.compile(rf"(?<![a-z])(?:{_EN_ALTERNATION})(?![a-z])", re.IGNORECASE)
# IGNORECASE makes a long alternation ~10x slower: look for English terms in a lower-cased copy
# first and only then run the case-insensitive pattern.
_EN_LOWER_RE = re.compile(rf"(?<![a-z])(?:{_EN_ALTERNATION})(?![a-z])")
_LAST_N_RE = re.compile(r"最后(?=\s*[\d一二两三四五六七八九十几])")  # 最后50单 -> 仅剩50单
_DOUBLE_PUNCT_RE = re.compile(r"[,，、;；]\s*([,，、;；。.!！?？])")
_LEADING_PUNCT_RE = re.compile(r"^[\s,，、;；。.]+|[\s,，、;；]+$")
_SPACES_RE = re.compile(r" {2,}")


def find_banned(text: str) -> list[str]:
    """Banned terms in ``text`` (each once, in order of appearance; lower-cased for English)."""
    matches = [*_ZH_RE.finditer(text)]
    if _EN_LOWER_RE.search(text.lower()):
        matches += _EN_RE.finditer(text)
    found: list[str] = []
    for match in matches:
        term = match.group(0).lower()
        if term not in found:
            found.append(term)
    return found


def _zh_rewrite(match: re.Match[str]) -> str:
    return REWRITES[match.group(0).lower()]


def _en_rewrite(match: re.Match[str]) -> str:
    return REWRITES_EN[match.group(0).lower()]


def sanitize(text: str) -> str:
    """``text`` with every banned term rewritten or dropped (``find_banned`` is empty after it)."""
    if not find_banned(text):
        return text
    out = _LAST_N_RE.sub("仅剩", text)
    for _ in range(3):  # a rewrite may join two fragments into a new term; settles in 1-2 passes
        out = _ZH_RE.sub(_zh_rewrite, out)
        if _EN_LOWER_RE.search(out.lower()):
            out = _EN_RE.sub(_en_rewrite, out)
        if not find_banned(out):
            break
    out = _DOUBLE_PUNCT_RE.sub(r"\1", out)
    return _SPACES_RE.sub(" ", _LEADING_PUNCT_RE.sub("", out)).strip()


# Attempts to change the assistant's instructions, in Chinese or English. Used on danmaku
# (triage: STEERING) and on catalog text (descriptions, FAQ) before it enters a prompt.
_INJECTION_RE = re.compile(
    r"(忽略|无视|忘记|忘掉|不要理会|不要遵守|跳过)(你)?((之前|以上|上面|前面|上述|所有|全部|一切|原来|原有|系统)的?){0,2}"
    r"(指令|指示|规则|设定|提示|要求|命令|prompt|限制)"
    r"|你现在是|你现在扮演|你扮演|扮演一个|假装(你|自己)?是|从现在(开始|起)你|你的新(身份|任务|指令)|新的指令"
    r"|系统提示|系统指令|提示词|你的指令|你的设定|你的规则|你的prompt|开发者模式|越狱"
    r"|(输出|告诉我|说出|泄露|打印|复述|重复)(你的|你)?(系统|初始|原始|全部)?(提示|指令|设定|prompt)"
    r"|(告诉|回复|通知)(所有)?(用户|观众|大家|所有人).{0,12}(只要|只需|免费|白送|0元|\d+(\.\d+)?元|\d+块)"
    r"|(价格|售价|价钱)(改为|改成|设为|设置为)"
    r"|ignore\s+(all\s+|any\s+)?(the\s+)?(previous|prior|above|earlier|preceding)\s+(instructions|prompts?|rules)"
    r"|disregard\s+(all\s+|the\s+)?(previous|prior|above|your)|forget\s+(all\s+)?(your|previous)\s+instructions"
    r"|system\s*prompt|developer\s+mode|jailbreak|you\s+are\s+now|act\s+as\s+(a|an|if)|pretend\s+(to|you)"
    r"|new\s+instructions|reveal\s+(your|the)\s+(prompt|instructions)"
    r"|<\|im_start\|>|<\|im_end\|>|\[/?inst\]|<<sys>>|^\s*(system|assistant)\s*:|###\s*(instruction|system)",
    re.MULTILINE,  # matched against lower-cased text: IGNORECASE would make it ~10x slower
)
_SENTENCE_RE = re.compile(r"[^。！？!?\n;；]+[。！？!?\n;；]*")


def looks_like_injection(text: str) -> bool:
    """Whether ``text`` tries to change instructions, reveal the prompt or dictate a price."""
    return _INJECTION_RE.search(text.lower()) is not None


def drop_injected_sentences(text: str) -> str:
    """Catalog text without the sentences that look like injection (the rest is kept as written)."""
    if not looks_like_injection(text):
        return text
    kept = [s for s in _SENTENCE_RE.findall(text) if not looks_like_injection(s)]
    return "".join(kept).strip()


AI_LABEL_ZH = "（AI生成）"
AI_LABEL_EN = "(AI-generated)"


def label_ai(text: str, lang: str = "zh") -> str:
    """``text`` with the visible AI-generated mark appended once ("（AI生成）" / "(AI-generated)")."""
    label = AI_LABEL_EN if lang == "en" else AI_LABEL_ZH
    if text.endswith(label):
        return text
    sep = " " if lang == "en" else ""
    return f"{text}{sep}{label}"
