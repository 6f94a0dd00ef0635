"""Training examples for the danmaku understanding model (``assistant.danmaku.understanding``).

The sources, each an ``Example`` (text, route, intent):

- ``real_examples``: the hand-labelled real lines (``real_language_data``), their text joined from
  the shared development data at run time and never written anywhere;
- ``case_examples``: every turn of the project's generated answer eval set
  (``evals/data/answers.jsonl``), so the catalog questions the gate checks stay answered;
- ``guideline_examples``: the invented examples of each class in the labelling guideline's tables
  (``docs/labelling-guideline.md``), with the class's usual action;
- ``INVENTED``: short lines written for this project (none comes from the real data) for the
  failure classes of real language: chat that looks like a price question, a product the room does
  not sell, an order problem with a date in it, 能否/是否/怎样 questions, angry genuine questions;
- ``invented_file_examples``: ``evals/data/understanding_invented.tsv``, lines written without
  sight of the development data for this model, in the registers of a shop's customer-service chat
  and of a live room: pre-sale questions about the shop's policies and products (answered), their
  counterparts about the writer's own order, claims and complaints (a person), and chat to the host
  phrased as questions (silent), contrastive pair by pair;
- ``polite_variants``: the answered eval-case questions again behind the openings shoppers type
  in a customer-service chat ("请问", "你好，", "我想问一下") so politeness does not read as an
  order problem.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.danmaku.types import Intent
from assistant.danmaku.understanding import ROUTES, ModelRoute
from evals.answers.dataset import DATA_PATH, load_cases
from evals.answers.errors import DatasetError
from evals.answers.real_language_data import (
    CHAT_INTENTS,
    PRODUCT_INTENTS,
    REPO_ROOT,
    SERVICE_INTENTS,
    LabelledLine,
)

GUIDELINE_PATH = REPO_ROOT / "docs" / "labelling-guideline.md"
INVENTED_PATH = REPO_ROOT / "evals" / "data" / "understanding_invented.tsv"
_INVENTED_HEADER = ("route", "intent", "text")
_TABLE_ROW_RE = re.compile(r"^\| `([a-z_]+)` \|[^|]*\| (.+) \|$")
# Real lines a shop can answer are few beside the order problems of a customer-service log (about 1
# in 12 labelled lines); each counts this much in training so that the rare class is not drowned.
REAL_ANSWER_WEIGHT = 3.0
POLITE_OPENINGS = ("请问", "你好，", "我想问一下，", "您好 ", "那")

# Label intents (docs/labelling-guideline.md) -> the pipeline intent that answers them.
LABEL_TO_INTENT: dict[str, Intent] = {
    "price": Intent.PRICE,
    "quantity_price": Intent.PRICE,
    "discount": Intent.DISCOUNT,
    "gifts": Intent.DISCOUNT,
    "flash_sale": Intent.FLASH_SALE,
    "price_protection": Intent.PRICE_PROTECTION,
    "stock": Intent.STOCK,
    "shipping": Intent.SHIPPING,
    "size": Intent.SIZE,
    "variant": Intent.VARIANT,
    "material": Intent.MATERIAL,
    "spec": Intent.OTHER,
    "shelf_life": Intent.OTHER,
    "suitability": Intent.SUITABILITY,
    "usage": Intent.USAGE,
    "after_sales": Intent.AFTER_SALES,
    "how_to_order": Intent.HOW_TO_ORDER,
}
assert set(LABEL_TO_INTENT) == set(PRODUCT_INTENTS)


@dataclass(frozen=True, slots=True)
class Example:
    """One training line: what to do with it, and (for answered lines) which intent it asks."""

    text: str
    route: ModelRoute
    intent: Intent | None  # None: no intent target (handoff/silent lines, or unknown)
    weight: float = 1.0


def real_examples(lines: Sequence[LabelledLine]) -> list[Example]:
    """Labelled real lines as examples: answer and clarify lines route to answer (the pipeline
    then answers or asks), with the label's intent mapped to the pipeline's, and weigh
    ``REAL_ANSWER_WEIGHT`` each."""
    out = []
    for line in lines:
        label = line.label
        route: ModelRoute = "answer" if label.action in ("answer", "clarify") else label.action  # type: ignore[assignment]
        intent = LABEL_TO_INTENT.get(label.intent) if route == "answer" else None
        weight = REAL_ANSWER_WEIGHT if route == "answer" else 1.0
        out.append(Example(line.text, route, intent, weight))
    return out


def case_examples() -> list[Example]:
    """Every turn of the generated eval set: silent when no reply is expected, handoff when a
    handoff is, answer otherwise (steering turns, where either is right, are left out)."""
    out = []
    for case in load_cases(DATA_PATH):
        for turn in case.turns:
            exp = turn.expect
            if exp.reply is None:
                continue
            if exp.reply is False:
                out.append(Example(turn.text, "silent", None))
            elif exp.handoff:
                out.append(Example(turn.text, "handoff", None))
            else:
                intent = Intent(exp.intent) if exp.intent else None
                out.append(Example(turn.text, "answer", intent))
    return out


def guideline_examples(path: Path = GUIDELINE_PATH) -> list[Example]:
    """The guideline's invented examples: product classes answered, service classes handed off,
    chat, greetings and spam silent (``other`` is left out: its lines go either way)."""
    out = []
    for row in path.read_text(encoding="utf-8").splitlines():
        m = _TABLE_ROW_RE.match(row.strip())
        if m is None:
            continue
        name, cell = m.group(1), m.group(2)
        texts = [t.strip() for t in cell.split(" / ") if t.strip()]
        if name in LABEL_TO_INTENT:
            out += [Example(t, "answer", LABEL_TO_INTENT[name], 2.0) for t in texts]
        elif name in SERVICE_INTENTS:
            out += [Example(t, "handoff", None, 2.0) for t in texts]
        elif name in (*CHAT_INTENTS, "spam"):
            out += [Example(t, "silent", None, 2.0) for t in texts]
    return out


def invented_file_examples(path: Path = INVENTED_PATH) -> list[Example]:
    """The invented lines of ``path`` (tab-separated route, intent, text; the intent only for answered
    lines, a value of ``Intent``), weight 1 each. Raises ``DatasetError`` naming the row and the field
    of a malformed line, a duplicate text, or a missing file."""
    if not path.is_file():
        raise DatasetError(f"{path}: the invented training lines are missing")
    rows = path.read_text(encoding="utf-8").splitlines()
    if not rows or tuple(rows[0].split("\t")) != _INVENTED_HEADER:
        raise DatasetError(f"{path}: row 1 must be the header {'/'.join(_INVENTED_HEADER)}")
    out: list[Example] = []
    seen: set[str] = set()
    for number, row in enumerate(rows[1:], start=2):
        fields = row.split("\t")
        if len(fields) != len(_INVENTED_HEADER):
            raise DatasetError(f"{path} row {number}: {len(fields)} fields, expected 3 (route, intent, text)")
        route_name, intent_name, text = (f.strip() for f in fields)
        route = next((r for r in ROUTES if r == route_name), None)
        if route is None:
            raise DatasetError(f"{path} row {number}, route: {route_name!r} is none of {', '.join(ROUTES)}")
        if not text:
            raise DatasetError(f"{path} row {number}, text: empty")
        if text in seen:
            raise DatasetError(f"{path} row {number}, text: {text!r} is listed twice")
        seen.add(text)
        intent: Intent | None = None
        if intent_name:
            if route != "answer":
                raise DatasetError(f"{path} row {number}, intent: only answered lines carry one")
            try:
                intent = Intent(intent_name)
            except ValueError:
                raise DatasetError(f"{path} row {number}, intent: {intent_name!r} is no intent") from None
        out.append(Example(text, route, intent))
    return out


def polite_variants(examples: Sequence[Example]) -> list[Example]:
    """Answered examples with an intent, each behind one polite opening (cycled), weight 0.5."""
    answered = [e for e in examples if e.route == "answer" and e.intent is not None]
    return [
        Example(POLITE_OPENINGS[i % len(POLITE_OPENINGS)] + e.text, "answer", e.intent, 0.5)
        for i, e in enumerate(answered)
    ]


def _ex(route: ModelRoute, intent: Intent | None, *texts: str) -> list[Example]:
    return [Example(t, route, intent, 2.0) for t in texts]


INVENTED: tuple[Example, ...] = (
    # chat to the host that carries a shopping keyword
    *_ex(
        "silent",
        None,
        "主播多少粉丝了",
        "主播几岁了",
        "主播多高呀",
        "主播今天吃的什么",
        "主播晚饭吃了吗",
        "主播你是哪里人",
        "主播有男朋友吗",
        "背景音乐叫什么",
        "主播唱首歌吧",
        "这局能赢吗",
        "主播玩的什么英雄",
        "你们几个人在直播",
        "主播你的耳环哪买的",
        "主播衣服好看在哪买的",
        "主播声音好好听",
        "主播今天好累的样子",
        "哈哈哈笑死我了",
        "来了来了",
        "晚上好呀",
        "主播好漂亮",
        "谢谢主播",
        "大家好",
        "主播加油",
        # a link number cheered or praised, no version picked ("10号黑色M" is: its stock)
        "10号冲",
        "3号冲冲冲",
        "12号好看",
        "5号拍了",
        "10号黑色好看",
        "2号绝了",
        "8号回购了",
        "6号安排上了",
        "刚才那首歌好听",
        "主播昨天怎么没播",
        "主播养的猫叫什么",
        "666666",
        "主播上次说的那个游戏多少钱来着",
        "主播你房子多少钱买的",
    ),
    # a product the room does not sell, even with 这个 in it
    *_ex(
        "handoff",
        None,
        "这个月饼多少钱",
        "这个显示器多少钱",
        "有卖羽毛球拍吗",
        "上一下耳环链接",
        "你们卖不卖空调",
        "剃须刀有吗",
        "打印机什么价",
        "这个行车记录仪能前后双录吗",
        "电脑能加内存吗",
        "有没有卖拖鞋的",
        "冰箱包邮吗",
        "这款洗碗机保修几年",
    ),
    # order problems, dates that are not link numbers
    *_ex(
        "handoff",
        None,
        "上个月20号买的怎么还没到",
        "我3号下的单什么时候发货",
        "12号拍的到现在还没发",
        "我的快递到哪了",
        "订单显示签收了但我没收到",
        "地址写错了能改吗",
        "帮我取消订单",
        "我要退货",
        "退款什么时候到账",
        "收到的瓶子是漏的",
        "能否开发票",
        "是否可以开专票",
        "怎样申请退款",
        "发票抬头怎么改",
        "客服还在吗",
        "转人工",
        "等了一个星期了还没发货你们怎么回事",
        "东西收到是坏的谁负责",
        "快递员态度太差了",
        "上周买的降价了能退我差价吗",
        "我买的洗面奶什么时候到",
        "你们到底发不发货啊气死了",
        "怎么还不给我退款",
    ),
    # product questions in shoppers' own words
    *_ex(
        "answer",
        Intent.SUITABILITY,
        "能否用于敏感肌",
        "是否适合油皮",
        "孕妇能用吗",
        "送女朋友合适吗",
        "送长辈合适吗",
        "适合送人吗",
        "送妈妈用好不好",
    ),
    *_ex("answer", Intent.OTHER, "能装开水吗", "能放微波炉吗", "可以机洗吗", "会不会掉色"),
    *_ex("answer", Intent.SHIPPING, "是否包邮", "发什么快递", "拍了几天能到"),
    # where the goods ship from: no shipping policy states it, the shop does
    *_ex("handoff", None, "从哪里发货", "是国内发货吗", "发货地在哪", "哪个仓发的"),
    # a parcel already dispatched, sent again, or an order under review
    *_ex("handoff", None, "明天几点能送到", "能给我补发一个吗", "订单审核要多久", "退回用什么快递"),
    *_ex("answer", Intent.USAGE, "怎样使用", "早上用还是晚上用", "一次挤多少"),
    *_ex("answer", Intent.PRICE, "这个多少钱", "洗面奶现在什么价", "买两支多少钱"),
    *_ex("answer", Intent.DISCOUNT, "有券吗", "能再便宜点吗", "送小样吗"),
    # a sale or a gift that is "still there" is the promotion asked about, not the goods' stock
    *_ex("answer", Intent.DISCOUNT, "活动还有吗", "今天的活动还有没有", "赠品还有吗", "满减还有吗"),
    *_ex("answer", Intent.HOW_TO_ORDER, "几号链接", "怎么下单"),
    *_ex("answer", Intent.AFTER_SALES, "能七天无理由吗", "是否支持退换"),
    *_ex("answer", Intent.OTHER, "保质期是多久呀", "多少克的", "产地是哪里"),
    # product facts a description or attribute states, asked in other words
    *_ex(
        "answer",
        Intent.OTHER,
        "续航多久",
        "充一次电能用多久",
        "能连两个手机吗",
        "能同时连电脑和手机吗",
        "防水吗",
        "有背光吗",
        "带充电线吗",
        "有效期到什么时候",
        "降噪效果怎么样",
        "能装开水吗",
        "可以刻字吗",
        "能刻名字吗",
        "可以定制图案吗",
        "能用洗碗机洗吗",
    ),
    # a viewer's own purchase told as praise or news, no problem in it: chat, not an order matter
    *_ex(
        "silent",
        None,
        "我买过好几次了 好用",
        "上次买的用完了又来买",
        "回购第四次了",
        "我妈用了都说好",
        "买了两瓶囤着",
        "去年买的现在还在用",
        "已经拍了三单了",
        "我买了送闺蜜她很喜欢",
        "收到了很满意",
        "上回买的质量挺好",
        "我前两天刚买了一个 挺好的",
        "买过 推荐大家入",
        "我家里还有一瓶没用完",
        "我拍了 坐等发货",
    ),
    # questions to the host, about the show, not about anything on sale
    *_ex(
        "silent",
        None,
        "主播明天几点播",
        "这首歌叫啥名字",
        "这个特效在哪里弄的",
        "你会弹吉他吗",
        "你是哪里人呀",
        "主播怎么还不睡",
        "今天播到几点",
    ),
)
