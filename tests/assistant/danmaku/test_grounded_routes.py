"""What may answer a line the understanding model would leave silent, and variant questions along
a dimension the product does not vary in. Through the whole pipeline in-process (demo catalog, the
shipped understanding model, no LLM), with the cleanser MZ07 (sold in 120g / 60g sizes, attribute
泡沫 "绵密细腻", 适用年龄 "12岁以上") or the nuts (sold by flavour) on stage."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest

from assistant.danmaku.intent import extract_product_reference, understand
from assistant.danmaku.slot_rules import extract_slots
from assistant.danmaku.understanding import UnderstandingModel
from assistant.service.settings import Settings
from evals.answers.protocol import AskResult
from evals.answers.system import START, PipelineSystem
from knowledge.demo import load_demo_catalog


@pytest.fixture(scope="module")
def system() -> Iterator[PipelineSystem]:
    yield PipelineSystem(Settings(store="memory", embeddings="none", demo=False))


def ask(system: PipelineSystem, text: str, stage: str = "MZ07", after_s: float = 60.0) -> AskResult:
    """One line alone, ``after_s`` seconds after ``stage`` went on stage (18:00 room time)."""
    system.reset()
    system.set_stage(stage, START)
    return system.ask("viewer", text, START + timedelta(seconds=after_s), "")


def ask_one_after_another(
    system: PipelineSystem, first: str, second: str, stage: str = "MZ07", one_viewer: bool = False
) -> tuple[AskResult, AskResult]:
    """Two lines 2 s apart in one room with ``stage`` presented: by two viewers, whether the second
    shares the first's reply (the answer cache and grouping key); by ``one_viewer``, a dialogue."""
    system.reset()
    system.set_stage(stage, START)
    one = system.ask("v1", first, START + timedelta(seconds=60), "")
    two = system.ask("v1" if one_viewer else "v2", second, START + timedelta(seconds=62), "")
    return one, two


def assert_replied(system: PipelineSystem, stage: str, text: str, source: str, expected: str) -> None:
    """``text`` alone with ``stage`` presented gets a reply from ``source`` holding ``expected``."""
    result = ask(system, text, stage=stage)
    assert result.replied and result.source == source, (result.source, result.text)
    assert expected in result.text


def routed_silent(text: str) -> bool:
    u = understand(text)
    ref = extract_product_reference(u.normalized)
    return UnderstandingModel.load().decide(u, ref.kind if ref else None).route == "silent"


def test_a_line_taken_for_chat_is_answered_when_the_product_states_the_answer(system: PipelineSystem) -> None:
    text = "泡沫多吗"
    assert routed_silent(text)  # the model alone would leave it unanswered
    result = ask(system, text)
    assert result.replied and result.source == "catalog"
    assert "绵密细腻" in result.text


def test_a_line_taken_for_chat_that_nothing_states_stays_silent(system: PipelineSystem) -> None:
    text = "我应该是40以上了吧"  # an amount qualifier (以上) is not a topic: 适用年龄 "12岁以上" is no answer
    result = ask(system, text)
    assert not result.replied


def test_a_property_question_never_gets_the_size_list(system: PipelineSystem) -> None:
    result = ask(system, "这个是什么味道的")
    assert "120g" not in result.text  # the smell is no choice between sizes: a person answers
    assert result.source == "handoff"


@pytest.mark.parametrize(("text", "dimension"), [("有什么颜色", "颜色"), ("有什么口味", "口味")])
def test_a_choice_the_product_does_not_offer_is_said_so_with_its_options(
    system: PipelineSystem, text: str, dimension: str
) -> None:
    result = ask(system, text)
    assert result.source == "catalog" and result.intent == "variant"
    assert f"没有{dimension}可选" in result.text and "120g" in result.text and "60g 便携装" in result.text


def test_flavours_of_a_product_sold_by_flavour_are_listed() -> None:
    catalog = load_demo_catalog()
    by_flavour = next(p for p in catalog.products if any("味" in s.spec for s in p.skus))
    system = PipelineSystem(Settings(store="memory", embeddings="none", demo=False))
    result = ask(system, "有什么口味", stage=by_flavour.product_id)
    assert result.source == "catalog" and "没有口味可选" not in result.text
    assert all(s.spec in result.text for s in by_flavour.skus if "味" in s.spec)


@pytest.mark.parametrize("text", ["明天有优惠吗", "618有活动吗", "3号那天的活动还有吗"])
def test_another_day_is_never_answered_with_todays_coupons(system: PipelineSystem, text: str) -> None:
    result = ask(system, text)
    assert "暂时没有优惠券" not in result.text and "¥" not in result.text
    assert result.source == "handoff"


def test_todays_coupons_still_answer_today(system: PipelineSystem) -> None:
    result = ask(system, "今天有优惠吗")
    assert result.source == "catalog" and result.intent == "discount"


@pytest.mark.parametrize(("text", "intent"), [("能否便宜点", "discount"), ("是否有赠品", "discount")])
def test_written_style_questions_are_not_dropped(system: PipelineSystem, text: str, intent: str) -> None:
    result = ask(system, text)
    assert result.replied and result.intent == intent


def test_a_bulk_question_gets_the_total_not_the_unit_price(system: PipelineSystem) -> None:
    result = ask(system, "买10个多少钱")
    assert result.source == "catalog" and result.intent == "price"
    assert "买10个" in result.text and "¥59.90×10=¥599" in result.text


@pytest.mark.parametrize(
    ("stage", "text", "said", "not_said"),
    [
        # two of the units a double pack holds: the pack, and two singles multiplied
        ("MZ07", "买两支多少钱", "买2支：120g×2 双支装 ¥99；120g ¥59.90×2=¥119.80", "双支装 ¥99×2"),
        ("MZ07", "4支多少钱", "120g×2 双支装 ¥99×2=¥198；120g ¥59.90×4=¥239.60", "¥99×4"),
        ("MZ07", "买三支多少钱", "120g ¥59.90×3=¥179.70", "双支装"),  # no half pack
        ("SP05", "鸭脖买3袋多少钱", "麻辣味 200g×3袋 ¥59.90", "×3="),  # a pack of three
    ],
)
def test_a_quantity_of_the_units_a_pack_holds_is_priced_by_the_pack(
    system: PipelineSystem, stage: str, text: str, said: str, not_said: str
) -> None:
    result = ask(system, text, stage)
    assert result.source == "catalog" and result.intent == "price"
    assert said in result.text and not_said not in result.text


def test_a_quantity_no_pack_divides_gets_the_prices(system: PipelineSystem) -> None:
    # packs of 15, 30 and 60: three bags ask for a pack, never three packs multiplied
    result = ask(system, "坚果买三包多少钱", "SP01")
    assert result.intent == "price" and "×3=" not in result.text and "25g×15包 ¥69.90" in result.text


@pytest.mark.parametrize("text", ["有没有小样", "送小样吗", "有没有小样 求回复"])
def test_samples_asked_are_gifts_the_catalog_does_not_list(system: PipelineSystem, text: str) -> None:
    result = ask(system, text)
    assert result.intent == "discount" and result.source == "handoff"  # no gift listed: a person


@pytest.mark.parametrize("text", ["有带吸管的吗", "有烂的吗", "有厚一点的吗"])
def test_a_variant_no_spec_speaks_of_gets_neither_a_made_up_no_nor_the_options(
    system: PipelineSystem, text: str
) -> None:
    result = ask(system, text)
    assert "没有" not in result.text and "120g" not in result.text
    assert result.source == "handoff"


def test_asking_what_the_difference_is_lists_the_options(system: PipelineSystem) -> None:
    result = ask(system, "这个有什么区别吗")
    assert result.source == "catalog" and "120g" in result.text and "60g 便携装" in result.text


@pytest.mark.parametrize(
    ("text", "stage"),
    [("这件衣服多少钱", "FS01"), ("主播身上的衣服多少钱", "FS01"), ("主播身上这件多少钱", "FS01")],
)
def test_a_general_word_for_the_stage_product_stays_on_stage(
    system: PipelineSystem, text: str, stage: str
) -> None:
    result = ask(system, text, stage)
    assert result.source == "catalog" and result.intent == "price" and "¥" in result.text


@pytest.mark.parametrize("text", ["主播身上这件多少钱", "这款洗面奶多少钱", "这个泡沫多吗"])
def test_the_stage_product_or_what_it_mentions_stays_on_stage(system: PipelineSystem, text: str) -> None:
    result = ask(system, text)
    assert result.source == "catalog" and "植萃集 氨基酸洗面奶" in result.text


@pytest.mark.parametrize(
    ("text", "stage", "not_said"), [("起球吗", "FS01", "面料"), ("会掉毛吗", "FS01", "面料")]
)
def test_a_property_the_product_never_names_is_not_answered_with_its_material(
    system: PipelineSystem, text: str, stage: str, not_said: str
) -> None:
    result = ask(system, text, stage)
    assert not_said not in result.text


def test_looking_like_the_pictures_is_no_colour_choice(system: PipelineSystem) -> None:
    result = ask(system, "有没有色差", "FS01")
    assert "可选" not in result.text


def test_using_and_supporting_are_one_concept_of_the_catalogs_words(system: PipelineSystem) -> None:
    result = ask(system, "安卓能用吗", "SM01")  # its FAQ answer: "可以，支持iOS和安卓手机。"
    assert result.replied and "安卓" in result.text and result.source in ("catalog", "faq")


def test_how_long_charging_takes_is_not_how_long_a_charge_lasts(system: PipelineSystem) -> None:
    result = ask(system, "充电多久能充满", "SM01")
    assert "32小时" not in result.text and "8小时" not in result.text


def test_a_count_in_the_unit_of_a_pack_asks_for_the_pack(system: PipelineSystem) -> None:
    result = ask(system, "三袋一起多少钱", "SP05")  # the packs are "200g×3袋": no ×3 of a pack
    assert result.source == "catalog" and "×3=" not in result.text and "¥59.90" in result.text


def test_a_count_of_units_is_no_product_name(system: PipelineSystem) -> None:
    result = ask(system, "一包多少克", "SP05")
    assert result.source == "catalog" and "200g/袋" in result.text


def test_a_measure_the_product_states_is_answered_from_its_attribute(system: PipelineSystem) -> None:
    result = ask(system, "容量多大", "HJ01")
    assert result.source == "catalog" and "容量：500ml" in result.text


def test_another_day_never_joins_todays_reply(system: PipelineSystem) -> None:
    today, tomorrow = ask_one_after_another(system, "这个多少钱", "明天多少钱")
    assert today.source == "catalog" and "¥" in today.text
    assert tomorrow.source == "handoff" and "¥" not in tomorrow.text


@pytest.mark.parametrize(("text", "stage"), [("会不会降噪", "SM01"), ("用券以后多少钱", "MZ07")])
def test_words_near_a_rule_are_not_caught_by_it(system: PipelineSystem, text: str, stage: str) -> None:
    result = ask(system, text, stage)
    assert result.intent != "price_protection" and "保价" not in result.text
    assert result.source != "handoff"


def test_chat_about_an_own_purchase_stays_silent(system: PipelineSystem) -> None:
    result = ask(system, "刚买了 还会再播吗")
    assert not result.replied


def test_two_boxes_of_a_product_sold_by_the_box_are_a_quantity(system: PipelineSystem) -> None:
    result = ask(system, "两盒多少钱", "MZ09")  # its packs are "5片/盒", "10片/盒": the box is the unit
    assert "×2=" in result.text


def test_comparing_shades_of_one_product_is_a_variant_question(system: PipelineSystem) -> None:
    result = ask(system, "跟其他颜色有什么区别", "MZ05")
    assert result.intent == "variant"


@pytest.mark.parametrize("text", ["秒杀结束以后原价是多少", "这个原价多少呀"])
def test_the_list_price_is_answered_with_the_list_price(system: PipelineSystem, text: str) -> None:
    result = ask(system, text)
    assert result.source == "catalog" and result.intent == "price"
    assert "原价¥79（现价¥59.90）" in result.text and "原价¥158（现价¥99）" in result.text


def test_one_list_price_for_every_option_is_said_once(system: PipelineSystem) -> None:
    result = ask(system, "键盘原价多少来着", "SM05")  # every switch: list ¥359, now ¥259
    assert result.source == "catalog"
    assert result.text.count("原价¥359") == 1 and "现价¥259" in result.text


def test_the_list_price_never_joins_the_price_now(system: PipelineSystem) -> None:
    now, listed = ask_one_after_another(system, "这个多少钱", "这个原价多少钱")
    assert "原价" not in now.text and "原价¥79" in listed.text


@pytest.mark.parametrize(
    "text", ["保价要怎么申请啊", "退款几天能到账", "换货的流程是什么", "退货是不是得先签收"]
)
def test_how_to_file_a_request_is_no_policy_template(system: PipelineSystem, text: str) -> None:
    result = ask(system, text)
    assert result.source == "handoff"  # the policy states terms, not the steps of the order page
    assert "7天" not in result.text


def test_the_policy_terms_are_still_answered(system: PipelineSystem) -> None:
    assert "7天保价" in ask(system, "保价有几天").text
    assert "无理由退货" in ask(system, "这个能退货吗").text


def test_asking_the_steps_never_joins_the_terms_reply(system: PipelineSystem) -> None:
    terms, steps = ask_one_after_another(system, "保价有几天", "保价在哪里申请")
    assert terms.source == "catalog" and steps.source == "handoff"


@pytest.mark.parametrize("text", ["快递几点能送到", "保修还剩几天", "差价能退到我支付宝吗"])
def test_a_parcel_on_its_way_or_a_purchase_is_for_a_person(system: PipelineSystem, text: str) -> None:
    result = ask(system, text)
    assert result.source != "catalog" and "¥" not in result.text


@pytest.mark.parametrize(
    "text",
    [
        *("洗面奶要怎么用", "用法是什么", "一次用多少", "一天用几次"),
        *("第一次买不知道怎么用", "我是新手不知道怎么用"),  # a shopper new to it
    ],
)
def test_how_to_use_is_answered_from_the_descriptions_own_sentences(
    system: PipelineSystem, text: str
) -> None:
    result = ask(system, text)  # no usage attribute; the description says 早晚都能用, 一小颗
    assert result.source == "catalog" and result.intent == "usage"
    assert "早晚都能用" in result.text and "一小颗" in result.text


@pytest.mark.parametrize("text", ["一次用多少", "一天用几次"])
def test_how_much_or_how_often_takes_only_sentences_that_say_it(system: PipelineSystem, text: str) -> None:
    result = ask(system, text, "MZ08")  # the oil's usage sentences speak of massaging and rinsing only
    assert "按摩" not in result.text


@pytest.mark.parametrize(
    ("text", "stated"),
    [
        ("洗完会紧绷吗", "洗后不紧绷"),  # the description
        ("需要卸妆吗", "可以洗掉淡妆"),  # the FAQ's answer, asked another way
        ("有什么成分", "氨基酸表活"),  # the description and the 洁面类型 attribute
        ("男士洗面奶有吗", "男女通用"),
        ("洗得干净吗", "温和清洁"),
    ],
)
def test_what_the_cleanser_states_answers_the_question_in_other_words(
    system: PipelineSystem, text: str, stated: str
) -> None:
    result = ask(system, text)
    assert result.source in ("catalog", "faq") and stated in result.text


def test_a_description_that_says_nothing_of_use_does_not_answer_how_to_use(system: PipelineSystem) -> None:
    result = ask(system, "键盘要怎么用", "SM05")  # its sentences speak of layout, modes and switches
    assert result.source != "catalog"


@pytest.mark.parametrize("text", ["主播是敏感肌吗", "主播头发什么颜色", "2号晚上还播吗"])
def test_the_hosts_own_skin_and_the_shows_hours_get_no_product_answer(
    system: PipelineSystem, text: str
) -> None:
    result = ask(system, text)  # the FAQ says 敏感肌可以用, the description 早晚都能用: not asked
    assert not result.replied, result.text


def test_what_is_this_presents_the_product_in_view(system: PipelineSystem) -> None:
    result = ask(system, "这个是什么呀")
    assert result.source == "catalog" and "植萃集 氨基酸洗面奶" in result.text


def test_what_does_this_mean_is_no_request_to_present_the_product(system: PipelineSystem) -> None:
    assert "氨基酸表活" not in ask(system, "这是什么意思").text


FLASH_RUNNING_S = 2 * 3600 + 300  # 20:05: the cup's flash sale runs 20:00-20:10, coupons from 20:00


def test_the_list_price_during_a_flash_sale_is_the_sale_and_the_price_it_returns_to(
    system: PipelineSystem,
) -> None:
    result = ask(system, "秒杀结束后原价多少", "HJ01", FLASH_RUNNING_S)
    assert "秒杀价¥89" in result.text and "日常价¥129" in result.text and "20:10" in result.text
    assert "现价¥89" not in result.text


def test_the_list_price_keeps_the_coupon_price(system: PipelineSystem) -> None:
    result = ask(system, "原价是多少", "SM05", FLASH_RUNNING_S)
    assert "原价¥359（现价¥259）" in result.text and "用券后¥229" in result.text


@pytest.mark.parametrize(
    ("text", "stage"), [("运费险怎么用", "MZ07"), ("优惠券要怎么用", "MZ07"), ("我妈怎么用", "MZ07")]
)
def test_how_to_use_something_else_is_not_the_products_usage(
    system: PipelineSystem, text: str, stage: str
) -> None:
    assert "早晚都能用" not in ask(system, text, stage).text


def test_a_detail_of_use_is_still_answered_by_its_attribute(system: PipelineSystem) -> None:
    result = ask(system, "敷几分钟", "MZ09")  # attribute 使用方法 "每次15分钟", not the description
    assert "15分钟" in result.text


def test_a_price_word_in_an_unknown_name_still_names_another_product(system: PipelineSystem) -> None:
    assert "¥" not in ask(system, "平价口红多少钱").text


def test_what_the_host_used_to_sell_is_no_request_to_present_the_product(system: PipelineSystem) -> None:
    assert "氨基酸表活" not in ask(system, "主播以前是卖什么的").text


def test_a_purchase_never_shares_the_policys_cached_reply(system: PipelineSystem) -> None:
    terms, mine = ask_one_after_another(system, "保价多久", "保价还有几天")
    assert terms.source == "catalog" and mine.source == "handoff"


def test_a_warranty_is_answered_only_by_a_policy_that_states_one(system: PipelineSystem) -> None:
    """The cleanser's after-sales policy states no warranty (``warranty_months`` 0): "保修多久" gets
    that first, beside the return terms; the earphones' (数码, 保修12个月) leads with its months; a
    return question says nothing of a warranty there is none of, and never shares the warranty's
    cached reply."""
    cleanser = ask(system, "这款保修多久")
    assert cleanser.source == "catalog", cleanser.text
    assert cleanser.text.startswith("不提供保修，支持7天无理由退货"), cleanser.text
    earphones = ask(system, "保修多久", stage="SM01")
    assert earphones.source == "catalog" and earphones.text.startswith("保修12个月，"), earphones.text
    returns = ask(system, "支持七天无理由吗")  # the return terms still answer a return question
    assert returns.source == "catalog" and "7天无理由" in returns.text and "保修" not in returns.text
    warranty, terms = ask_one_after_another(system, "有保修吗", "能退吗")
    assert "不提供保修" in warranty.text and "保修" not in terms.text, (warranty.text, terms.text)


@pytest.mark.parametrize(
    ("stage", "text"),
    [
        ("FS01", "拉链坏了能修吗"),
        ("HJ06", "枕头塌了保修吗"),
        ("SM04", "手表进水了保修吗"),
        ("MZ07", "坏了能修吗"),
    ],
)
def test_a_warranty_asked_of_goods_gone_wrong_is_a_persons(
    system: PipelineSystem, stage: str, text: str
) -> None:
    """Goods of the viewer's gone wrong, told with a warranty question: a person, whatever the policy's
    months ("不提供保修" to a broken zip, or "保修12个月" to a watch that took in water, answers nothing)."""
    assert ask(system, text, stage).source in ("handoff", ""), text
    conditional = ask(system, "如果坏了保修吗", "SM01")  # asked before buying
    assert conditional.source == "catalog" and "保修12个月" in conditional.text, conditional


def test_quality_assurance_of_goods_that_keep_is_their_shelf_life(system: PipelineSystem) -> None:
    """ "质保" of food or a cosmetic, with no word of repairs, is how long it keeps (保质期), as shoppers
    type it; of clothes or a device it is the warranty."""
    toast = ask(system, "吐司质保期几天", "SP02")
    assert toast.source == "catalog" and "保质期：15天" in toast.text and "保修" not in toast.text, toast
    assert "保质期：3年" in ask(system, "质保期多久", "MZ07").text
    assert "不提供保修" in ask(system, "有质保吗", "FS01").text
    assert "保修12个月" in ask(system, "质保多久", "SM01").text


def test_a_policy_silent_on_a_warranty_leaves_it_to_a_person() -> None:
    """A policy that says nothing of a warranty (an empty ``warranty_months`` cell: ``None``) never
    answers "保修多久" with its return terms, nor says there is none."""
    demo = load_demo_catalog()
    silent = tuple(replace(a, warranty_months=None) for a in demo.after_sales)
    settings = Settings(store="memory", embeddings="none", demo=False)
    system = PipelineSystem(settings, replace(demo, after_sales=silent))
    cleanser = ask(system, "这款保修多久")
    assert cleanser.source == "handoff", cleanser.text
    returns = ask(system, "支持七天无理由吗")
    assert returns.source == "catalog" and "7天无理由" in returns.text


def test_a_question_about_a_product_named_in_it_reaches_a_person_when_nothing_answers(
    system: PipelineSystem,
) -> None:
    # no known kind of question, about the pan named by its alias while the cup is on stage: a
    # shop question (two products bought together), never left silent as chat that looks like one
    result = ask(system, "和炒锅一起买有满减吗", stage="HJ01")
    assert result.replied and result.source == "handoff"


def test_coupons_that_start_later_today_are_named_with_their_start(system: PipelineSystem) -> None:
    result = ask(system, "有优惠券吗", stage="MZ01")  # 18:01: the demo's coupons start at 20:00
    assert result.replied and result.source == "catalog"
    assert "20:00起可领满¥99减¥10券" in result.text and "暂时没有优惠券" not in result.text


@pytest.mark.parametrize(
    ("stage", "text"),
    [
        ("HJ02", "被子收到有异味"),
        ("SP01", "坚果收到是碎的"),  # goods broken, said as what they are
        ("HJ02", "被子想退 还没拆"),  # a return wanted for goods in hand
        ("FS08", "鞋子买大了想换"),  # bought the wrong size
    ],
)
def test_goods_gone_wrong_told_as_a_plain_statement_reach_a_person(
    system: PipelineSystem, stage: str, text: str
) -> None:
    result = ask(system, text, stage=stage)
    assert result.replied and result.source == "handoff"


@pytest.mark.parametrize(
    ("stage", "text"),
    [
        ("FS01", "想换个颜色看看"),
        ("FS01", "我想退出直播间"),
        ("FS01", "那他是不是要退圈了"),
        ("FS02", "主播穿的什么码"),  # the host's own size: chat to the host, no page
    ],
)
def test_leaving_a_show_request_or_the_hosts_size_pages_no_one(
    system: PipelineSystem, stage: str, text: str
) -> None:
    assert ask(system, text, stage=stage).source != "handoff"


@pytest.mark.parametrize(
    ("stage", "text", "source", "expected"),
    [
        # two versions compared: the operator's FAQ on the difference, never the list of one
        ("MZ04", "控油款和保湿款有啥区别", "faq", "控油款含锌PCA"),
        ("MZ04", "这个和普通爽肤水有什么区别", "handoff", ""),  # a comparison the FAQ does not speak of
        # the price of two versions named: both prices
        ("MZ01", "30ml和50ml差多少钱啊", "catalog", "50ml ¥499"),
        # a fit question without a body measure: the FAQ on the fit, not the size chart
        ("FS01", "偏大还是偏小啊", "faq", "偏大"),
        # a skin type the product's text does not name: a person, never a list of other types
        ("MZ06", "敏感肌能用吗", "handoff", ""),
        # a jeans chart by waist and weight judges no height: never "out of the chart"
        ("FS03", "172能穿吗", "handoff", ""),
        # a word before the question that names no goods: buying, a category, a promotion, a content,
        # a version (never "a product the room does not sell")
        ("MZ01", "下单几天发货", "catalog", "24小时内发货"),
        ("SM01", "数码券能用吗", "catalog", "20:00起"),
        ("SP01", "食品满减怎么算", "catalog", "满¥150减¥20"),
        ("MZ04", "含酒精吗", "catalog", "无酒精配方"),
        ("SM04", "拆封了能退吗", "catalog", "拆封后"),
        ("FS03", "28码浅蓝有吗", "catalog", "浅蓝 28已售罄"),
        # goods opened or worn: only a policy whose notes speak of it answers
        ("MZ08", "拆封了还能退吗", "handoff", ""),
        ("SP01", "拆开了还能退吗", "catalog", "拆封后不支持"),
        ("FS02", "克重多少", "catalog", "220g"),  # a measure, never the price
    ],
)
def test_answers_that_answer_what_was_asked(
    system: PipelineSystem, stage: str, text: str, source: str, expected: str
) -> None:
    assert_replied(system, stage, text, source, expected)


@pytest.mark.parametrize(
    ("stage", "text", "link"),
    [
        ("SP01", "有没有牛奶", "35号链接"),
        ("MZ01", "有充电宝吗", "20号链接"),
        ("FS01", "有没有围巾", "13号链接"),
        ("MZ08", "洗面奶几号", "7号链接"),  # the cleanser's link, though the oil on stage mentions 洗面奶
    ],
)
def test_goods_the_room_sells_asked_for_by_name_get_their_link(
    system: PipelineSystem, stage: str, text: str, link: str
) -> None:
    result = ask(system, text, stage=stage)
    assert result.replied and result.source == "catalog" and result.intent == "how_to_order"
    assert link in result.text


def test_asking_whether_someone_is_there_is_no_question_about_goods(system: PipelineSystem) -> None:
    assert not ask(system, "有没有人", stage="MZ01").replied


def test_a_property_of_the_product_in_view_is_no_other_products_link(system: PipelineSystem) -> None:
    # 防晒 is the sunscreen's alias, but with the foundation on stage "有防晒吗" asks the foundation
    result = ask(system, "有防晒吗", stage="MZ06")
    assert result.replied and result.source == "catalog" and "SPF30" in result.text


@pytest.mark.parametrize(
    ("stage", "text", "source", "expected"),
    [
        # the part a question names by its own attribute, not the formula or fabric list
        ("MZ09", "膜布材质是什么", "catalog", "膜布：天丝膜布"),
        ("FS05", "裆是纯棉的吗", "catalog", "裆部：纯棉抗菌裆"),
        # a body girth against the chart's own column (ranges, or single values taking the next size)
        ("FS05", "臀围100穿什么码", "catalog", "建议选XL码"),
        ("FS03", "腰围70穿几码", "catalog", "建议选28码"),
        ("FS03", "腰围2尺2穿多大", "catalog", "腰围73.3cm建议选29码"),
        ("FS03", "腰二尺一穿几码", "catalog", "建议选28码"),
        ("FS05", "臀围110穿什么码", "catalog", "超出尺码表范围"),
        # a version named by its spec's own word: its stock, not an FAQ that mentions the word
        ("SP01", "60包的有吗", "catalog", "25g×60包已售罄"),
        ("SM05", "青轴有吗", "catalog", "黑色 青轴已售罄"),
        # an FAQ asked with a word more, or as A-not-A
        ("FS04", "起球不起球", "faq", "浮毛"),
        ("SM04", "能戴着游泳吗", "faq", "泳池"),
        # a body alone while clothes with a size chart are presented: which size
        ("FS01", "我155 45kg", "catalog", "建议选M码"),
        ("FS05", "臀围95", "catalog", "建议选L码"),
        # a shade number with a leading zero is the shade, not link 7
        ("MZ05", "07号多少钱", "catalog", "#07 复古正红 ¥79"),
        # another brand compared: the host's to answer
        ("SP01", "和三只松鼠比呢", "handoff", ""),
        ("SM04", "比华为手表好吗", "handoff", ""),
        # a flash sale on some versions names them; a version outside it is told so
        ("FS01", "22点秒杀啥价", "catalog", "秒杀价¥359（仅限黑色 M、黑色 L）"),
        ("FS01", "米白也秒杀吗", "catalog", "米白 M、米白 L不参加秒杀，秒杀仅限黑色 M、黑色 L"),
        # a unit after 多少 asks a spec, not the price
        ("SM09", "无线充多少w", "catalog", "无线15W"),
        ("SM04", "屏幕几寸", "catalog", "1.43英寸"),
        # a cut for the other gender: the name says which it is
        ("FS01", "有男款吗", "catalog", "这款是女款"),
        ("FS09", "有女款吗", "catalog", "这款是男款"),
        # one measure asked, from the attribute that holds it
        ("FS08", "靴筒多高啊", "catalog", "靴筒高度：约20cm"),
        ("HJ03", "砧板多厚", "catalog", "厚度：约2.5cm"),
        # what comes with it, as a spec says it
        ("HJ07", "锅带盖吗", "catalog", "带盖有货"),
        # how many or how big one is, where the versions are counted so
        ("MZ09", "面膜一盒几片啊", "catalog", "5片/盒、10片/盒、20片/箱"),
        ("SP03", "橙子几斤装", "catalog", "5斤、10斤"),
        ("HJ07", "锅多大的", "catalog", "32cm、30cm"),
        # the clause that asks, and the viewers addressed taken off
        ("MZ03", "防晒要卸妆吗姐妹们", "faq", "防水型防晒建议用卸妆水"),
        ("FS08", "防水吗 下雪天穿", "faq", "防泼水"),
        ("MZ04", "有没有酒精啊 我酒精过敏", "catalog", "无酒精配方"),
        # goods the room sells asked for with 卖, whatever else the words read as
        ("SP01", "有卖牛奶的吗", "catalog", "35号链接"),
        # the size usually worn, by the step the chart's own example takes (37 -> 36)
        ("FS08", "平时穿38 这个拍几码", "catalog", "平时穿38码建议选37码"),
        ("FS08", "我平常36码的穿几码", "catalog", "这款没有35码"),
        # how long, from a duration that holds the verb; how big a room, how many ports, how long it lasts
        ("HJ09", "蜡烛能烧多久", "catalog", "燃烧时长：约40小时"),
        ("HJ05", "适合多大的房间", "catalog", "适用面积：15-20平方米"),
        ("SM03", "有几个口", "catalog", "接口：2C1A"),
        ("MZ05", "能持久多久 吃饭会掉吗", "catalog", "持妆：约6小时"),
        # shoppers' words for what the FAQ calls otherwise
        ("FS03", "会不会掉色", "faq", "轻微浮色"),
        ("FS01", "会不会钻毛", "faq", "不钻绒"),
        ("FS04", "能扔洗衣机洗吗", "catalog", "不要机洗"),
        # a word the catalog lacks in a question the FAQ of the product on stage asks: no goods named
        ("SM07", "左撇子能用吗", "faq", "左右手都能用"),
        # a choice of two, answered by the attribute that names one; a cream's heaviness is its texture
        ("FS07", "是V领还是圆领", "catalog", "领型：V领"),
        ("MZ02", "这个霜厚不厚重啊 夏天用会不会闷", "catalog", "质地：丰润霜状"),
        ("MZ01", "孕妇可以用不 宝宝们", "faq", "孕期可以使用"),
        # pregnancy asked before the skin type; the day's routine asked in other words
        ("MZ04", "怀孕了能用控油的吗", "catalog", "孕期建议选保湿款"),
        ("MZ02", "紫罐白天能涂吗", "faq", "早晚都可以用"),
        ("SP02", "减肥期间能吃吗", "faq", "无蔗糖"),
        # a version typed without its spec's space: that version's price, not goods the room lacks
        ("SM04", "玫瑰金皮表带多少钱", "catalog", "玫瑰金 皮表带 ¥659"),
        # a version named alone as a first line: its price, and whether it is sold out
        ("MZ01", "50ml呢", "catalog", "50ml ¥499"),
        ("SM04", "钢带的呢", "catalog", "月光银 钢带 ¥699（划线价¥899），已售罄"),
        ("MZ07", "便携装呢", "catalog", "60g 便携装 ¥32.90，已售罄"),
        # 发 + a region asks shipping; 偏码 asks fit, and 靴子 is the boots on stage
        ("SP03", "橙子发广东吗", "catalog", "顺丰快递"),
        ("SP03", "在吗 橙子发西藏吗", "catalog", "西藏属于不发货或不包邮地区"),
        # a city of a province left out is said with it; a plea after the question asks nothing
        ("MZ07", "发拉萨吗", "catalog", "拉萨（西藏）属于不发货或不包邮地区"),
        ("MZ07", "乌鲁木齐包邮吗", "catalog", "乌鲁木齐（新疆）属于不发货或不包邮地区"),
        ("MZ07", "什么快递啊 回我一下", "catalog", "中通快递"),
        ("FS08", "靴子偏码吗", "catalog", "偏大半码"),
        # a usual shoe size told alone: the size to take (尺码建议 "平时穿37码建议选36码")
        ("FS08", "我平时穿39", "catalog", "平时穿39码建议选38码"),
        ("FS08", "靴子我一般穿39的", "catalog", "平时穿39码建议选38码"),
        # the viewer's own skin or age: the product's words on that skin or age, never a person first
        ("MZ02", "我是油皮 这款会不会太油", "catalog", "油皮建议晚上少量使用"),
        ("SP07", "我家孩子三岁能吃吗", "catalog", "1岁以上可以吃"),  # 孩子 is the FAQ's 宝宝
        ("MZ07", "我女儿9岁 可以用这个洗面奶吗", "catalog", "9岁不在适用范围"),  # 适用年龄 12岁以上
        ("SP04", "我怀孕了 可以喝绿茶吗", "catalog", "孕期建议少喝"),  # pregnancy before anything else
        # a version the viewer cannot buy or finds gone: that it is sold out, whatever the tone
        ("MZ01", "75ml的为啥拍不了", "catalog", "75ml已售罄"),  # not how to order
        ("MZ05", "05号咋买不了", "catalog", "#05 奶茶棕已售罄"),  # the shade #05, not link 5
        ("FS01", "黑色XL一直显示没货", "catalog", "黑色 XL已售罄"),
        ("HJ01", "墨黑的怎么没了啊", "catalog", "墨黑 500ml已售罄"),
        ("HJ02", "8斤的下单不了 东北的要", "catalog", "8斤已售罄"),  # not the winter FAQ
        ("MZ01", "75ml的拍不了 按钮灰的", "catalog", "75ml已售罄"),  # 灰的 is the button, no colour
        ("HJ05", "遥控款怎么没货了", "catalog", "白色 遥控款已售罄，灰色 遥控款有货"),  # some sold out
        # a price told set against the one seen: the price now, and when the sale price starts
        ("SM01", "不是说199吗 怎么还是299", "catalog", "21:00开抢秒杀价¥199"),
        ("HJ01", "主播刚才说89 我这显示129", "catalog", "20:00开抢秒杀价¥89"),
        ("MZ06", "小麦色断货了吗", "catalog", "小麦色 30ml已售罄"),  # 断货 asks the stock
        ("MZ04", "店铺券怎么领不了", "catalog", "20:00起可领"),  # a coupon not claimed: the coupons
        # the coupons' terms asked: each coupon says them
        ("FS06", "满200减30的券每人能领几张", "catalog", "每人限领1张"),
        ("SP07", "零食券到几点过期", "catalog", "满¥59减¥5券（21:00前有效）"),
        # a statement recommending a version that is sold out says so
        ("MZ06", "偏黑肤色选哪个", "catalog", "偏黑肤色选小麦色（小麦色 30ml已售罄）"),
        # the goods swallowed, asked or told: the product's own FAQ on 误食, never silence
        ("HJ04", "孩子把洗衣凝珠咬破了咋办", "faq", "误食请立即就医"),
        ("HJ04", "家里小狗咬开了一颗凝珠", "faq", "误食请立即就医"),
        ("SM01", "iphone能用吗", "catalog", "支持iOS"),  # an iPhone runs iOS
        # whether the product is another maker's: its own brand
        ("FS09", "这件大衣是波司登的吗", "catalog", "是北纬线家的"),
        ("SP08", "这牛奶是蒙牛的还是伊利的", "catalog", "是青禾牧场家的"),
        ("SM05", "是不是罗技的键盘啊", "catalog", "是云鹿家的"),
        # a maker's name for the viewer's own device: whether the product works with it
        ("SM01", "苹果手机可以吗", "faq", "支持iOS"),
        ("SM04", "苹果手机能接电话吗", "faq", "iOS 13及以上"),
        ("FS08", "我耐克平时穿37的 这个拍几码", "catalog", "建议选36码"),
        ("SM01", "hhh续航多久", "catalog", "单次约8小时"),  # chat letters name nothing
        ("FS02", "版型有多宽松", "catalog", "宽松落肩"),  # 多宽松 is no width
    ],
)
def test_the_question_names_what_answers_it(
    system: PipelineSystem, stage: str, text: str, source: str, expected: str
) -> None:
    assert_replied(system, stage, text, source, expected)


@pytest.mark.parametrize(
    ("stage", "text", "not_in_reply"),
    [
        ("SM03", "线多长", "体积"),  # the cable's length is not the charger's size
        ("FS06", "有没有男款", "可选"),  # the colours are no answer to whether there is a men's cut
        ("FS08", "搭那个羽绒服好看吗", "搭裤子搭裙子"),  # boots with the jacket: not the jacket's own FAQ
        ("FS08", "鞋跟多高", "靴筒"),  # the heel is not the shaft
        ("SM01", "送充电线吗", "充电盒"),  # a cable asked for, not how the case charges
        ("SP01", "有卖大米的吗", "米色"),  # rice is no colour of the nuts
        ("SM01", "有iphone卖吗", "支持iOS"),  # whether phones are sold, not what the earphones pair with
        ("SP06", "用的什么牌子的奶粉", "麦田小镇家"),  # the brand of an ingredient, not of the nougat
        ("MZ07", "麦克风什么牌子的", "植萃集家"),  # the host's microphone, not the cleanser
        ("SM02", "比磁吸的充电宝容量大吗", "5000mAh"),  # compared with the one in view, not asked of
        ("MZ07", "有卸妆膏吗", "可以洗掉淡妆"),  # a balm the room lacks, not the cleanser's 卸妆 FAQ
        ("MZ07", "卸妆膏多少钱", "¥139"),  # nor the price of the cleansing oil (alias 卸妆)
        ("HJ02", "北方冬天盖几斤的", "南方冬天"),  # the FAQ on southern winters says the opposite
        ("SM02", "有苹果原装数据线卖吗", "20号链接"),  # 原装 is no version: goods the room lacks
        # another maker's goods of the kind on stage: never the room's product's price or stock
        ("SM01", "苹果耳机多少钱啊", "¥299"),
        ("SM04", "华为手表还有货吗", "有货"),
        ("HJ01", "有膳魔师的保温杯吗", "有货"),
        ("FS08", "ugg雪地靴多少钱", "¥259"),
        # a version in stock that cannot be bought is no stock question; a refund is no price
        ("SM01", "白色拍不了", "有货"),
        ("MZ07", "说好退20 怎么只退了10", "¥"),
        ("MZ07", "我买的120g怎么没了", "已售罄"),  # the viewer's own parcel
        # a statement of another amount, another thing or no number for a measure is no answer
        ("SM03", "16寸的macbook能充吗", "13寸"),  # the FAQ was written for 13 and 14 inches
        ("SM02", "能给switch游戏机充电吗", "22.5W"),
        ("SM05", "键盘有rgb灯效吗", "背光"),
        ("FS08", "鞋底有多厚", "橡胶"),
        ("FS01", "XL的充绒量是多少", "M码"),  # the figure is said of another size
        # two numbers that are no prices, and something else gone than a version: no price or stock
        ("SP09", "不是2号链接吗 怎么是9号", "¥"),
        ("FS03", "不是说27码吗 怎么发了28码", "¥"),
        ("FS05", "不是3条装吗 收到怎么2条", "¥"),
        ("HJ01", "不是说24小时发吗 怎么要72小时", "¥"),
        ("MZ01", "75ml的优惠怎么没了", "已售罄"),
        ("MZ01", "75ml送的小样怎么没了", "已售罄"),
        # the viewer's own device or habit named by a maker: the product is still asked about
        ("FS08", "我耐克平时穿37的 这个拍几码", "本直播间"),
    ],
)
def test_no_answer_about_something_else(
    system: PipelineSystem, stage: str, text: str, not_in_reply: str
) -> None:
    result = ask(system, text, stage=stage)
    assert not_in_reply not in result.text


@pytest.mark.parametrize(
    ("stage", "text", "brand"),
    [
        ("FS08", "这个靴子什么牌子的", "暖屿家"),  # 靴子 is the kind the snow boots' name ends in
        ("FS08", "鞋子什么牌子", "暖屿家"),  # boots are shoes
        ("MZ02", "面霜是什么牌子的", "澜序家"),  # a word of its name
        ("SM07", "这个鼠标是什么牌子的", "光年格家"),
        ("MZ07", "请问你们家这个是什么牌子的", "植萃集家"),  # pointing words name no other thing
        ("MZ07", "它是什么牌子", "植萃集家"),
        ("MZ07", "问一下到底是什么牌子", "植萃集家"),  # lead-in words name no other thing
        ("SP08", "奶是什么品牌", "青禾牧场家"),  # one character of its name
        ("FS01", "这件衣服什么牌子", "北纬线家"),  # a garment word of no goods of its own
    ],
)
def test_the_brand_of_the_product_asked_by_its_kind_or_by_pointing(
    system: PipelineSystem, stage: str, text: str, brand: str
) -> None:
    result = ask(system, text, stage=stage)
    assert result.replied and brand in result.text, result


def test_each_version_priced_says_which_has_none_to_sell(system: PipelineSystem) -> None:
    # the 60g travel size is the cheapest price listed and has no stock: never a price to pay unsaid
    result = ask(system, "洗面奶怎么卖", stage="MZ07")
    assert "60g 便携装 ¥32.90" in result.text and result.text.endswith("60g 便携装已售罄"), result
    one_price = ask(system, "音箱怎么卖", stage="SM06")  # one price for every colour: no list, no note
    assert "已售罄" not in one_price.text, one_price


def test_a_usual_shoe_size_is_no_size_question_of_a_coat(system: PipelineSystem) -> None:
    result = ask(system, "我平时穿39", stage="FS01")  # the jacket's chart goes by height and weight
    assert not result.replied or "39码" not in result.text, result


@pytest.mark.parametrize(
    ("stage", "text"), [("HJ09", "蜡烛礼盒多少钱"), ("SP06", "牛轧糖礼盒多少钱"), ("MZ03", "防晒乳多少钱")]
)
def test_a_pack_or_form_word_after_a_name_is_that_product(
    system: PipelineSystem, stage: str, text: str
) -> None:
    # 礼盒 is a version of each (三香礼盒, 混合口味礼盒); a 防晒乳 is the 防晒霜 by another form's name
    result = ask(system, text, stage=stage)
    assert result.replied and result.product_id == stage and result.source == "catalog", result


def test_a_modifier_linked_to_a_name_picks_the_product_it_names(system: PipelineSystem) -> None:
    # 充电宝 alone is the 20000mAh one (its alias); 磁吸…充电宝 is the magnetic one, whatever is on stage
    result = ask(system, "磁吸的那个充电宝多少钱", stage="SM02")
    assert result.replied and result.product_id == "SM09" and "¥129" in result.text, result


def test_the_product_on_stage_called_by_its_kind_after_a_demonstrative(system: PipelineSystem) -> None:
    result = ask(system, "这个靴子多少钱", stage="FS08")  # 靴子 is no product the room lacks
    assert result.replied and result.source == "catalog" and "¥259" in result.text, result


def test_a_fragment_goes_on_from_the_viewers_last_question(system: PipelineSystem) -> None:
    system.reset()
    system.set_stage("SM05", START)
    first = system.ask("v1", "青轴有吗", START + timedelta(seconds=60), "")
    fragment = system.ask("v1", "茶轴呢", START + timedelta(seconds=75), "")
    stranger = system.ask("v2", "茶轴呢", START + timedelta(seconds=90), "")
    assert first.replied and "青轴已售罄" in first.text
    assert fragment.replied and fragment.intent == "stock" and "茶轴有货" in fragment.text
    assert not stranger.replied or "茶轴有货" not in stranger.text  # no question of theirs to go on from


@pytest.mark.parametrize(("stage", "text"), [("MZ07", "人呢"), ("FS01", "红色呢")])
def test_a_fragment_naming_no_version_of_the_product_alone_gets_no_price(
    system: PipelineSystem, stage: str, text: str
) -> None:
    result = ask(system, text, stage=stage)  # 红色: the jacket is sold in black and off-white only
    assert not result.replied or "¥" not in result.text, result


@pytest.mark.parametrize(
    ("stage", "text", "not_in_reply"),
    [
        ("MZ02", "我是油皮 用了这面霜爆痘了", "油皮建议"),  # goods gone wrong: a person
        ("SP01", "我家孩子四岁 吃了以后老咳嗽 还能吃吗", "噎呛"),  # used already, and what it did
        ("SP01", "孩子吃会不会上火", "噎呛"),  # an effect asked, not whether a child may eat it
        ("HJ04", "我家孩子的衣服能用凝珠洗吗", "误食"),  # the child's clothes, not the child eating it
        ("MZ07", "宝宝们 这个能用吗", "宝宝"),  # the viewers addressed are no age (read as "这个能用吗")
    ],
)
def test_a_skin_or_age_word_that_is_not_whom_the_product_suits_gets_no_suitability_answer(
    system: PipelineSystem, stage: str, text: str, not_in_reply: str
) -> None:
    result = ask(system, text, stage=stage)
    assert not_in_reply not in result.text, result


def in_turn(system: PipelineSystem, lines: list[tuple[str, str]]) -> list[AskResult]:
    """One viewer's lines 15 s apart, each ``(stage, text)``: the stage changes where it differs."""
    system.reset()
    results, stage = [], ""
    for i, (on_stage, text) in enumerate(lines):
        at = START + timedelta(seconds=60 + 15 * i)
        if on_stage != stage:
            system.set_stage(on_stage, at - timedelta(seconds=1))
            stage = on_stage
        results.append(system.ask("v1", text, at, ""))
    return results


@pytest.mark.parametrize(
    ("stage", "first", "then", "expected"),
    [
        # a version named after a price question: its own price, and that it is sold out
        ("SM04", "手表多少钱", "钢带的呢", ("月光银 钢带 ¥699", "已售罄")),
        ("MZ03", "防晒多少钱", "好的 那旅行装呢", ("30ml 旅行装 ¥89", "已售罄")),
        ("MZ09", "面膜多少钱", "那10片的", ("10片/盒 ¥119",)),
        ("SP08", "牛奶多少钱", "儿童款呢", ("儿童款 200ml×10盒 ¥45.90",)),
        # whether a version is there, whatever the question before
        ("HJ05", "暖风机多少钱", "白色遥控的有吗", ("白色 遥控款已售罄",)),
        # another link: the same question of its product
        ("FS01", "羽绒服多少钱", "3号链接呢", ("雾屿 轻透防晒霜", "¥89-¥269")),
    ],
)
def test_a_follow_up_names_what_the_last_question_is_now_asked_of(
    system: PipelineSystem, stage: str, first: str, then: str, expected: tuple[str, ...]
) -> None:
    asked, followed = in_turn(system, [(stage, first), (stage, then)])
    assert asked.replied and followed.replied and followed.source == "catalog", followed
    assert all(e in followed.text for e in expected), followed.text


@pytest.mark.parametrize(
    ("before", "now", "then", "expected"),
    [("HJ06", "HJ08", "抽纸呢", "原木浆抽纸 ¥45.90"), ("MZ01", "MZ02", "面霜呢", "玻色因紧致面霜 ¥359")],
)
def test_the_product_now_presented_named_alone_is_asked_the_same(
    system: PipelineSystem, before: str, now: str, then: str, expected: str
) -> None:
    asked, named = in_turn(system, [(before, "多少钱"), (now, then)])
    assert asked.replied and named.replied and named.intent == "price" and expected in named.text, named


def test_this_one_after_a_question_of_no_known_kind_asks_its_words_again(system: PipelineSystem) -> None:
    asked, this_one = in_turn(system, [("SM01", "耳机防水吗"), ("SM04", "这个呢")])
    assert asked.replied and "IPX4" in asked.text
    assert this_one.replied and this_one.product_id == "SM04" and "防水：5ATM" in this_one.text


@pytest.mark.parametrize(
    ("stage", "text", "not_in_reply"),
    [
        # goods of their own, or another shop's, asked with a question the stage product's FAQ answers
        ("MZ01", "口罩孕妇能用吗", "孕期可以使用"),
        ("SP01", "酸奶小孩能喝吗", "噎呛"),
        ("HJ07", "铸铁锅电磁炉能用吗", "电磁炉都能用"),
        ("MZ01", "别家的孕妇能用吗", "孕期可以使用"),
        # another property asked 高不高 / 长不长, or another part
        ("HJ06", "性价比高不高", "高度"),
        ("FS08", "回头率高不高", "靴筒高度"),
        ("FS03", "发货时间长不长", "裤长"),
        ("FS03", "袖子长不长", "裤长"),
        # the host, or a dose, is no question of the versions
        ("HJ07", "主播多大啊", "可选"),
        ("SP01", "一天吃几包", "可选"),
        # a colour, size or the stock "for sale" is no goods of their own
        ("SM06", "有黑色卖吗", "链接"),
        ("FS08", "有40码卖吗", "链接"),
        # a cable is not a charger
        ("SM02", "送数据线吗", "充电器"),
    ],
)
def test_what_the_stage_products_words_do_not_answer_gets_none_of_them(
    system: PipelineSystem, stage: str, text: str, not_in_reply: str
) -> None:
    result = ask(system, text, stage=stage)
    assert not_in_reply not in result.text, result


@pytest.mark.parametrize(
    ("stage", "text", "expected"),
    [
        ("MZ03", "防晒倍数多少", "SPF50+ PA++++"),  # a measure, not the price
        ("MZ03", "spf多少", "SPF50+ PA++++"),
        ("HJ03", "砧板长宽多少", "尺寸：小号30×20cm"),
        ("MZ08", "卸妆油多大一瓶", "净含量：200ml"),  # how big a bottle: its content
        ("SM04", "手表多久充1次电", "续航：典型使用约14天"),  # how often it is charged: the battery
        ("SP01", "坚果一包多少g", "25g"),  # a count of units is no part of a name
    ],
)
def test_a_measure_asked_with_a_bare_duoshao_is_the_attribute(
    system: PipelineSystem, stage: str, text: str, expected: str
) -> None:
    assert_replied(system, stage, text, "catalog", expected)


def test_a_measure_no_attribute_states_is_never_the_price(system: PipelineSystem) -> None:
    result = ask(system, "枕头长宽多少", "HJ06")  # a height is stated, not the length and width
    assert "¥" not in result.text and "高度" not in result.text and result.intent != "price"


@pytest.mark.parametrize(
    ("stage", "text"), [("SM02", "充电宝冒烟了"), ("MZ07", "用了脸上红肿痒"), ("HJ05", "暖风机外壳烫手")]
)
def test_goods_that_burn_or_hurt_told_without_a_question_reach_a_person(
    system: PipelineSystem, stage: str, text: str
) -> None:
    assert ask(system, text, stage).source == "handoff"


def test_a_version_named_by_its_words_run_together_is_that_version(system: PipelineSystem) -> None:
    result = ask(system, "保湿400有吗", "MZ04")
    assert result.source == "catalog" and "保湿款 400ml有货" in result.text and "200ml" not in result.text
    both = ask(system, "控油400的没了？那保湿400有吗", "MZ04")
    assert "控油款 400ml已售罄" in both.text and "保湿款 400ml有货" in both.text
    # the further question's version, not every one's stock again; the sold-out one's sibling in stock
    assert both.text.count("保湿款 400ml有货") == 1 and "保湿款 200ml" not in both.text


@pytest.mark.parametrize(
    ("stage", "text"),
    [
        ("SP08", "有没有特仑苏"),
        ("HJ05", "有戴森的暖风机吗"),
        ("SM01", "airpods pro有卖吗"),
        ("HJ01", "有没有膳魔师的"),
    ],
)
def test_whether_the_room_has_another_makers_goods_reaches_a_person(
    system: PipelineSystem, stage: str, text: str
) -> None:
    result = ask(system, text, stage)  # the model reads these as chat; they ask the shop
    assert result.source == "handoff" and result.product_id is None


def test_chat_naming_no_maker_stays_silent(system: PipelineSystem) -> None:
    assert not ask(system, "有没有姐妹一起的", "MZ01").replied


@pytest.mark.parametrize(("stage", "text"), [("FS01", "发香港吗"), ("SM09", "澳门能寄吗")])
def test_a_region_outside_the_mainland_the_terms_do_not_list_reaches_a_person(
    system: PipelineSystem, stage: str, text: str
) -> None:
    assert ask(system, text, stage).source == "handoff"


def test_a_region_asked_of_shipping_is_never_answered_by_where_the_goods_are_made(
    system: PipelineSystem,
) -> None:
    result = ask(system, "内蒙古能发吗 我就在呼伦贝尔", "SP08")  # 产地：内蒙古呼伦贝尔
    assert "产地" not in result.text
    reached = ask(system, "充电宝青海能到不", "SM02")
    assert reached.source == "catalog" and reached.intent == "shipping" and "京东快递" in reached.text


def test_a_share_the_product_states_in_no_digits_is_not_answered(system: PipelineSystem) -> None:
    assert ask(system, "玻色因含量多少 百分之几的", "MZ02").source == "handoff"
    assert_replied(system, "HJ06", "乳胶含量多少", "catalog", "乳胶含量93%")


def test_a_price_protection_case_told_is_worked_out_from_the_price_history(system: PipelineSystem) -> None:
    # 4+64G: 1399 from 10-20, 1299 from 11-18; bought 11 days before 11-21 at 1399
    assert_replied(
        system, "SM08", "学习机我11天前1399买的 现在1299了 能保价吗", "catalog", "可申请退差价¥100"
    )
    assert_replied(
        system, "MZ01", "50ml的我买的时候549 买了快40天了还能补差价吗", "catalog", "已过30天保价期"
    )
    # a demand is a person's to process, whatever the window says
    assert ask(system, "5天前买的 降价了 退我差价", "MZ03").source == "handoff"


def test_two_purchases_told_never_share_a_reply(system: PipelineSystem) -> None:
    inside, past = ask_one_after_another(system, "3天前买的能保价吗", "10天前买的能保价吗")
    assert "3天前买的按保价规则现价没有降价" in inside.text and "10天前买的已过7天保价期" in past.text


def test_a_return_case_told_is_worked_out_from_the_window(system: PipelineSystem) -> None:
    # the cleanser: 7 days without reason from receipt, with return-shipping insurance
    assert_replied(system, "MZ07", "收到5天了还能退吗", "catalog", "收到5天，在签收后7天无理由退货期内")
    assert_replied(system, "MZ07", "我收到10天了能退吗", "catalog", "收到10天，已过签收后7天无理由退货期")
    assert_replied(system, "MZ07", "3天前买的能退吗", "catalog", "签收后7天内都在无理由退货期内")
    # duck necks: opened food is not returned, said beside the case
    food = ask(system, "收到3天了能退吗", "SP05")
    assert "在签收后7天无理由退货期内" in food.text and "食品拆封后不支持无理由退货" in food.text
    # a fault or a request to act beside the days is a person's
    assert ask(system, "收到5天了 发现漏液了能退吗", "MZ07").source == "handoff"
    assert ask(system, "收到3天 帮我退了吧", "MZ07").source == "handoff"
    # goods opened, which the cleanser's terms never speak of, are no case to work out
    assert ask(system, "昨天收到的 拆了还能退吗", "MZ07").source == "handoff"


def test_two_receipts_told_never_share_a_reply(system: PipelineSystem) -> None:
    inside, past = ask_one_after_another(system, "收到3天了能退吗", "收到10天了能退吗")
    assert "收到3天" in inside.text and "收到10天，已过" in past.text


@pytest.mark.parametrize(
    ("stage", "text"),
    [
        ("MZ01", "5天前买的 要投诉 能保价吗"),
        ("MZ01", "5天前买的 帮我查下能保价吗"),
        ("SP03", "云南冰糖橙发香港吗"),
    ],
)
def test_a_complaint_a_request_to_act_or_a_region_abroad_stays_a_persons(
    system: PipelineSystem, stage: str, text: str
) -> None:
    assert ask(system, text, stage).source == "handoff"


@pytest.mark.parametrize(
    ("stage", "text"),
    [
        ("HJ01", "这个杯子倒的水还烫手 保温真好"),
        ("FS02", "这件竖线条纹的显瘦"),
        ("SP09", "这个曲奇酥到掉渣 好吃"),
        ("SP07", "这个草莓脆又红又甜"),
        ("SM06", "这个音箱音质好到起鸡皮疙瘩"),
        ("MZ05", "这个唇釉染色了 好持久"),
        ("MZ01", "8点到了 卡住了"),
        ("SP07", "宝宝们 咬开就能吃 太方便了"),
    ],
)
def test_praise_in_words_of_a_fault_pages_nobody(system: PipelineSystem, stage: str, text: str) -> None:
    assert not ask(system, text, stage).replied


@pytest.mark.parametrize(
    ("stage", "text", "expected"),
    [
        ("MZ07", "我敏感肌 一用洗面奶就发痒 这个能用吗", "敏感肌可以用"),
        ("SP07", "我家孩子3岁 吃东西狼吞虎咽 这个能吃吗", "1岁以上可以吃"),
        ("FS02", "价格美丽 求链接", "11号链接"),
        ("MZ01", "主播用的是哪个链接", "1号链接"),
    ],
)
def test_questions_beside_words_of_a_fault_or_praise_are_answered(
    system: PipelineSystem, stage: str, text: str, expected: str
) -> None:
    result = ask(system, text, stage)
    assert result.source in ("catalog", "faq") and expected in result.text, result


@pytest.mark.parametrize(
    ("stage", "text", "expected"),
    [
        ("FS02", "我175 140斤 灰色穿什么码", "灰色没有L码，白色 L有货"),
        ("FS01", "米白 172 65kg", "米白色没有XL码，XL码已售罄"),
    ],
)
def test_a_size_advised_in_a_colour_made_in_no_such_size(
    system: PipelineSystem, stage: str, text: str, expected: str
) -> None:
    assert_replied(system, stage, text, "catalog", expected)


def test_a_sold_out_version_names_its_siblings_in_stock(system: PipelineSystem) -> None:
    assert_replied(system, "MZ04", "控油400的还有吗", "catalog", "控油款 400ml已售罄，控油款 200ml有货")
    assert_replied(system, "MZ05", "07还有吗 多少钱", "catalog", "#07 复古正红有货")


@pytest.mark.parametrize(
    ("stage", "text", "product", "expected"),
    [
        # whether the goods are there is claimed by the stage product's specs or attributes alone,
        # never by its own words speaking of them ("早餐配牛奶刚刚好" of toast)
        ("SP02", "牛奶24盒的有吗", "SP08", "250ml×24盒已售罄"),
        ("SP02", "牛奶有吗", "SP08", "35号链接"),
        ("SM08", "磁吸充电宝蓝色还有吗", "SM09", "远峰蓝已售罄"),
    ],
)
def test_goods_asked_for_by_name_are_those_goods(
    system: PipelineSystem, stage: str, text: str, product: str, expected: str
) -> None:
    result = ask(system, text, stage)
    assert result.product_id == product and expected in result.text, result


@pytest.mark.parametrize(
    ("stage", "text"), [("MZ05", "有没有润唇膏卖啊"), ("HJ02", "有没有蚕丝被"), ("SP02", "有没有欧包 碱水的")]
)
def test_goods_of_a_kind_the_room_does_not_list_reach_a_person(
    system: PipelineSystem, stage: str, text: str
) -> None:
    result = ask(system, text, stage)  # never the stage product's sentence that names them
    assert result.source == "handoff" and result.product_id is None


@pytest.mark.parametrize(("stage", "text"), [("MZ03", "主播用的粉底啥色号 好白"), ("HJ05", "这个价格可以的")])
def test_the_hosts_own_things_and_the_price_praised_are_chat(
    system: PipelineSystem, stage: str, text: str
) -> None:
    assert not ask(system, text, stage).replied


def test_a_rooms_size_asked_gets_the_area_the_product_suits(system: PipelineSystem) -> None:
    assert_replied(system, "HJ05", "30平的客厅够不够", "catalog", "适用面积：15-20平方米")


@pytest.mark.parametrize(
    ("stage", "text", "expected"),
    [
        ("SM08", "数码券能用吗", "数码9折券不适用于本品"),
        ("MZ03", "护肤券能用在防晒上吗", "护肤专享券不适用于本品"),
    ],
)
def test_a_coupon_named_that_leaves_the_product_out_is_said_so(
    system: PipelineSystem, stage: str, text: str, expected: str
) -> None:
    result = ask(system, text, stage)
    assert result.source == "catalog" and result.text.startswith(expected) and "满¥200减¥30" in result.text


def test_a_coupon_named_that_covers_the_product_is_no_exception(system: PipelineSystem) -> None:
    result = ask(system, "数码券能用吗", "SM02")  # the power bank is one the digital coupon covers
    assert "不适用" not in result.text and "9折" in result.text
    # the tablet: the coupon named is said not to cover it, and a plain coupon question that follows
    # never shares that reply
    system.reset()
    system.set_stage("SM08", START)
    named = system.ask("v1", "数码券能用吗", START + timedelta(seconds=60), "")
    plain = system.ask("v2", "有券吗", START + timedelta(seconds=62), "")
    assert "数码9折券不适用于本品" in named.text and "不适用" not in plain.text


def test_a_version_the_catalog_chooses_for_the_case_asked(system: PipelineSystem) -> None:
    # the quilt's 适用季节 says "8斤适合北方冬季": that, with its stock, not every version listed
    reply = ask(system, "北方冬天盖几斤", "HJ02")
    assert reply.source == "catalog" and "8斤适合北方冬季" in reply.text, reply.text
    assert "220×240cm 8斤已售罄" in reply.text and "4斤、6斤" not in reply.text
    # a plain question of the versions still lists them
    assert_replied(system, "HJ02", "有几种规格", "catalog", "150×200cm、200×230cm、220×240cm")


def test_the_viewers_skin_tone_is_no_colour_and_no_goods(system: PipelineSystem) -> None:
    # "偏黑肤色": no made-up "暂时没有肤色"; the foundation's own words choose the shade
    dark = ask(system, "偏黑肤色选哪个色号", "MZ06")
    assert "偏黑肤色选小麦色" in dark.text and "没有肤色" not in dark.text, dark.text
    # 黄皮 (also a fruit) is the viewer's skin, not goods the room does not sell
    assert_replied(system, "MZ05", "黄皮选哪个色号", "faq", "黄皮推荐#01豆沙玫瑰")
    assert ask(system, "黄皮选什么色", "MZ06").product_id == "MZ06"
    # a 肤色 version asked for is still a colour, also beside the viewer's own skin
    assert extract_slots("肤色的有吗").color == "肤色"
    assert extract_slots("我皮肤比较黑 肤色的l码还有吗").color == "肤色"


def test_clothes_worn_underneath_are_not_the_product_asked(system: PipelineSystem) -> None:
    # the down jacket on stage, a hoodie under it: never the hoodie of link 15
    assert ask(system, "里面穿卫衣要拍大一码吗", "FS01").product_id == "FS01"
    assert_replied(system, "FS09", "里面能穿羽绒服吗", "faq", "里面穿薄羽绒内胆或马甲没问题")
    # the hoodie asked for by name is the hoodie
    assert ask(system, "卫衣多少钱", "FS01").product_id == "FS06"


def test_whether_coupons_go_with_the_flash_sale_is_its_own_answer(system: PipelineSystem) -> None:
    system.reset()
    system.set_stage("FS01", START)
    at = START.replace(hour=20, minute=30)
    when = system.ask("v1", "秒杀几点", at, "")
    stacking = system.ask("v2", "秒杀价还能叠券不", at + timedelta(seconds=2), "")
    assert "22:00开抢" in when.text and "叠加" not in when.text
    assert "秒杀价不能再叠加优惠券" in stacking.text  # never the cached timing reply


def test_two_usual_sizes_never_share_a_reply(system: PipelineSystem) -> None:
    system.reset()
    system.set_stage("FS08", START)
    first = system.ask("v1", "平时穿37买几码", START + timedelta(seconds=60), "")
    second = system.ask("v2", "平时穿39的选哪个", START + timedelta(seconds=62), "")
    assert "平时穿37码建议选36码" in first.text and "平时穿39码建议选38码" in second.text, second.text


def test_this_alone_before_goods_is_the_product_in_view(system: PipelineSystem) -> None:
    # "这裤子" typed without a counter: the jeans presented, never goods the room does not sell
    assert_replied(system, "FS03", "这裤子多少钱", "catalog", "¥169")
    assert_replied(system, "FS02", "这衣服多少钱", "catalog", "¥59")
    # "这边" is where the shop is, no name of goods
    assert_replied(system, "MZ07", "这边发什么快递", "catalog", "中通快递")
    assert_replied(system, "MZ07", "这边包邮吗", "catalog", "满¥99包邮")


def test_a_greeting_before_the_question_is_not_read_with_it(system: PipelineSystem) -> None:
    # the model learned spaced service talk as a person's; "来了来了" before a price question is none
    assert_replied(system, "MZ01", "来了来了 今天精华多少钱", "catalog", "30ml ¥329")
    reply = ask(system, "哈哈哈 有优惠吗", "MZ01")  # no product called 哈哈
    assert reply.source == "catalog" and reply.product_id == "MZ01", reply.text


def test_goods_of_the_viewers_gone_wrong_asked_how_reach_a_person(system: PipelineSystem) -> None:
    assert ask(system, "上次买的鸭脖胀袋了 咋整", "SP05").source == "handoff"


def test_a_count_of_units_after_a_link_word_is_no_link_number(system: PipelineSystem) -> None:
    assert extract_slots("面膜几号链接 1盒几片").link_no is None
    assert extract_slots("链接3多少钱").link_no == 3
    assert ask(system, "面膜几号链接 一盒几片", "MZ04").product_id != "MZ01"


@pytest.mark.parametrize(
    "text",
    [
        "前天显示签收了但我没收到货 能退吗",  # not received
        "退回去的货商家签收3天了还没退款",  # received by the shop: a return under way
        "收到两天 退货寄回了 商家什么时候收",
        "前天收到红包 这个能退吗",  # something else received
        "收到3天 我要退货",  # a demand
    ],
)
def test_a_day_told_that_is_no_receipt_of_the_goods_stays_a_persons(
    system: PipelineSystem, text: str
) -> None:
    assert ask(system, text, "MZ07").source == "handoff"


def test_goods_named_with_a_wearing_word_are_goods(system: PipelineSystem) -> None:
    # 打底衫 and 打底裤 are goods the room does not sell, not a jacket or jeans worn over them
    assert ask(system, "打底衫多少钱", "FS01").source == "handoff"
    assert ask(system, "打底裤多少钱", "FS03").source == "handoff"
    # 黄皮 the fruit asked its price is no skin tone: not the oranges presented
    assert ask(system, "黄皮多少钱一斤", "SP03").source == "handoff"
    assert_replied(system, "MZ05", "黄皮肤选哪个色号", "faq", "黄皮推荐#01豆沙玫瑰")


def test_the_show_still_to_come_is_no_stock_question(system: PipelineSystem) -> None:
    assert not ask(system, "后面还有几个", "MZ07").replied


def test_an_age_in_years_wins_over_the_word_for_a_child(system: PipelineSystem) -> None:
    assert extract_slots("我家孩子2岁半能用吗").age == "2岁"
    assert extract_slots("怀孕4个月能用吗").age == "孕妇"  # months of a pregnancy are no baby's age
    assert_replied(system, "MZ01", "怀孕四个月能用不", "catalog", "孕期可以使用")
    assert_replied(system, "SM08", "我家孩子2岁半能用吗", "catalog", "3-12岁，2岁不在适用范围")


def test_a_unit_or_a_state_of_the_goods_is_no_name(system: PipelineSystem) -> None:
    assert ask(system, "单支多少 包邮吗", "MZ05").product_id == "MZ05"  # 单支: one unit
    assert_replied(
        system, "SM08", "激活了不想要了能退吗", "catalog", "激活或拆封后无质量问题不支持无理由退货"
    )


@pytest.mark.parametrize(
    ("stage", "text"),
    [
        ("SM08", "我买的学习机登不上家长账号 一直转圈圈"),  # a device that will not log in; no "转一圈" asked
        ("SM08", "我买的平板老是闪退"),
        ("HJ05", "去年在你家买的暖风机不出热风了 还在保修期吧"),  # last year's purchase here
    ],
)
def test_a_device_gone_wrong_of_the_viewers_reaches_a_person(
    system: PipelineSystem, stage: str, text: str
) -> None:
    assert ask(system, text, stage).source == "handoff"


def test_another_shops_goods_told_beside_a_question_leave_the_question(system: PipelineSystem) -> None:
    assert_replied(system, "FS01", "会钻绒吗 去年买的别家的钻一身毛", "faq", "正常穿着基本不钻绒")


@pytest.mark.parametrize(
    "text",
    [
        "拍了三天了什么时候发",
        "付款了什么时候发货",
        "发货没",
        "怎么还不发货啊",
        "退差价",
        "差价退了吗",
        "我要保价",
    ],
)
def test_the_viewers_own_parcel_or_difference_gets_no_policy_template(
    system: PipelineSystem, text: str
) -> None:
    # before: "中通快递，付款后48小时内发货…" or "支持7天保价…" to a viewer chasing their own order
    result = ask(system, text)
    assert result.source != "catalog", (result.source, result.text)


def test_a_coupon_not_taken_off_gets_no_coupon_list(system: PipelineSystem) -> None:
    result = ask(system, "领了券怎么没减", stage="MZ01")
    assert result.source != "catalog", (result.source, result.text)


@pytest.mark.parametrize(("stage", "text"), [("SM01", "退回来运费谁付"), ("FS01", "换码运费谁出")])
def test_return_postage_gets_the_return_terms_not_the_outbound_fee(
    system: PipelineSystem, stage: str, text: str
) -> None:
    result = ask(system, text, stage=stage)
    assert result.intent == "after_sales" and "运费险" in result.text, (result.intent, result.text)


@pytest.mark.parametrize(("stage", "text"), [("MZ09", "哺乳期可以吗"), ("MZ01", "喂奶期间能用吗")])
def test_nursing_is_never_answered_with_what_the_catalog_says_of_pregnancy(
    system: PipelineSystem, stage: str, text: str
) -> None:
    result = ask(system, text, stage=stage)
    assert "孕期" not in result.text, result.text


def test_a_nursing_follow_up_after_a_pregnancy_question_gets_no_pregnancy_answer(
    system: PipelineSystem,
) -> None:
    first, then = ask_one_after_another(system, "孕妇能用吗", "哺乳期呢", "MZ02", one_viewer=True)
    assert "孕期" in first.text and "孕期" not in then.text, (first.text, then.text)


def test_a_state_of_the_goods_asked_never_shares_the_plain_return_reply(system: PipelineSystem) -> None:
    plain, opened = ask_one_after_another(system, "能退吗", "拆了能退吗", "SP01")
    assert plain.text.startswith("支持7天无理由退货") and opened.text.startswith("食品拆封后"), (
        plain,
        opened,
    )


@pytest.mark.parametrize(
    ("stage", "text", "expected"),
    [
        ("MZ03", "3号链接防水吗", "防水防汗"),  # before: how to order
        ("SM01", "19号链接续航多久", "32小时"),
        ("SM03", "21号链接几个口", "2C1A"),  # before: the price
    ],
)
def test_a_question_after_a_link_number_is_answered_not_the_link(
    system: PipelineSystem, stage: str, text: str, expected: str
) -> None:
    result = ask(system, text, stage=stage)
    assert result.intent != "how_to_order" and expected in result.text, (result.intent, result.text)


def test_a_size_after_a_link_number_keeps_the_link(system: PipelineSystem) -> None:
    # before: the earphones on stage "没有37这个规格"; link 17 is the snow boots
    result = ask(system, "17号37码有吗", stage="SM01")
    assert result.product_id == "FS08" and "37有货" in result.text, (result.product_id, result.text)


def test_what_the_product_on_stage_is_used_with_is_not_the_product_asked_of(system: PipelineSystem) -> None:
    # "能装牛奶吗" of the cup named the milk; the viewer's next "多少钱" got the milk's price
    _, price = ask_one_after_another(system, "能装牛奶吗", "多少钱", "HJ01", one_viewer=True)
    assert price.product_id == "HJ01" and "牛奶" not in price.text, price


@pytest.mark.parametrize(
    ("first", "then"), [("能换货吗", "运费谁出"), ("能退吗", "那邮费呢"), ("不合适能换吗", "那运费谁承担")]
)
def test_postage_asked_after_a_return_is_the_postage_back(
    system: PipelineSystem, first: str, then: str
) -> None:
    """Who pays the postage, asked right after a return or an exchange, is the postage of sending the
    goods back (运费险), never the delivery fee; asked alone or after a shipping question it is the fee."""
    _, back = ask_one_after_another(system, first, then, one_viewer=True)
    assert back.source == "catalog" and back.intent == "after_sales" and "运费险" in back.text, back
    assert "¥8" not in back.text
    for before in ("包邮吗", "保修多久"):  # after a shipping or a warranty question: the delivery fee
        _, fee = ask_one_after_another(system, before, then, one_viewer=True)
        assert fee.intent == "shipping" and "¥8" in fee.text, (before, fee)
    alone = ask(system, then)
    assert alone.intent == "shipping" and "¥8" in alone.text, alone


def test_when_goods_arrive_is_said_to_be_the_couriers(system: PipelineSystem) -> None:
    arrival = ask(system, "几天能到")
    free = ask(system, "包邮吗")
    assert "到货时间以快递实际配送为准" in arrival.text, arrival.text
    assert "到货时间" not in free.text, free.text


def test_a_flash_sale_named_leads_price_protection_with_its_exclusion(system: PipelineSystem) -> None:
    result = ask(system, "现在买 秒杀的时候能退差价吗", stage="SM01")
    assert result.text.startswith("秒杀价、优惠券价不参与保价"), result.text
    plain = ask(system, "保价多久", stage="SM01")
    assert "支持15天保价" in plain.text and not plain.text.startswith("秒杀价"), plain.text


def test_a_single_one_asked_of_a_pack_gets_each_version_per_piece(system: PipelineSystem) -> None:
    # before: "¥79-¥199", a range holding the three-piece set
    result = ask(system, "单支多少钱", stage="MZ05")
    assert "#01 豆沙玫瑰 ¥79" in result.text and "合每支" in result.text, result.text


def test_the_fit_asked_is_answered_from_the_catalogs_words_not_the_chart(system: PipelineSystem) -> None:
    result = ask(system, "偏大吗", stage="FS01")
    assert "偏大" in result.text and "告诉我身高体重" not in result.text, result.text


def test_one_version_said_by_the_products_own_words_never_shares_a_sizes_reply(
    system: PipelineSystem,
) -> None:
    size, version = ask_one_after_another(system, "37码有吗", "栗色37有吗", "FS08")
    assert "黑色 37" in size.text and "黑色 37" not in version.text, (size.text, version.text)


@pytest.mark.parametrize("stage", ["MZ07", "HJ01"])
def test_a_batterys_capacity_is_never_a_net_content(system: PipelineSystem, stage: str) -> None:
    # before: "多少毫安" of the cleanser got "净含量：120g"
    result = ask(system, "多少毫安", stage=stage)
    assert "净含量" not in result.text and "容量" not in result.text, result.text


def test_a_child_who_swallowed_it_gets_the_faq_on_swallowing(system: PipelineSystem) -> None:
    result = ask(system, "孩子误吃了怎么办", stage="HJ04")
    assert "误食请立即就医" in result.text, result.text


@pytest.mark.parametrize("text", ["主播穿的衣服是几号链接", "主播身上的衣服多少钱", "这件衣服多少钱"])
def test_clothes_asked_of_with_no_clothes_in_view_are_never_the_product_on_stage(
    system: PipelineSystem, text: str
) -> None:
    # before: the cleanser's link or price for the host's clothes
    result = ask(system, text, stage="MZ07")
    assert result.source != "catalog" and "洗面奶" not in result.text, (result.source, result.text)


def test_clothes_asked_of_with_clothes_on_stage_are_the_product_on_stage(system: PipelineSystem) -> None:
    result = ask(system, "这件衣服多少钱", stage="FS07")
    assert result.product_id == "FS07" and "¥239" in result.text, result.text


def test_another_makers_goods_stay_another_makers(system: PipelineSystem) -> None:
    result = ask(system, "华为的耳机多少钱", stage="SM01")
    assert "¥299" not in result.text, result.text


@pytest.mark.parametrize(
    ("stage", "text"),
    [
        ("MZ07", "怎么还不发福袋"),  # a giveaway, no parcel
        ("MZ07", "主播还不发车"),
        ("MZ07", "买了好几天了 真好用"),  # praise, no parcel
        ("MZ07", "拍了三天了 好用吗"),
    ],
)
def test_chat_beside_an_order_word_is_never_paged(system: PipelineSystem, stage: str, text: str) -> None:
    result = ask(system, text, stage=stage)
    assert result.source != "handoff", (result.source, result.text)


@pytest.mark.parametrize(
    ("stage", "text", "intent"),
    [
        ("MZ07", "差价退吗", "price_protection"),  # the policy asked, not a difference chased
        ("MZ01", "领了券不能叠加吗", "discount"),
        ("MZ03", "拍了 几天内能退", "after_sales"),
        ("MZ03", "买了还没拆能退吗", "after_sales"),
        ("MZ07", "能发我的城市吗", "shipping"),
        ("MZ07", "寄回老家运费多少", "shipping"),  # goods sent home, no return
    ],
)
def test_policy_questions_beside_order_words_keep_their_answer(
    system: PipelineSystem, stage: str, text: str, intent: str
) -> None:
    result = ask(system, text, stage=stage)
    assert result.source == "catalog" and result.intent == intent, (result.source, result.intent, result.text)


@pytest.mark.parametrize(
    "text", ["刚下单什么时候发", "拍完了什么时候发", "拍了两件 什么时候发", "付了 几天到"]
)
def test_an_order_just_placed_chased_goes_to_a_person(system: PipelineSystem, text: str) -> None:
    result = ask(system, text)
    assert result.source != "catalog", (result.source, result.text)


def test_pregnancy_and_nursing_asked_together_get_no_half_answer(system: PipelineSystem) -> None:
    result = ask(system, "孕妇和哺乳期能用吗", stage="MZ02")
    assert "孕期可以使用" not in result.text, result.text


def test_a_coupon_not_used_leads_with_no_exclusion(system: PipelineSystem) -> None:
    result = ask(system, "不用券能保价吗", stage="SM01")
    assert result.text.startswith("声屿 Air3"), result.text


def test_a_region_not_shipped_to_gets_no_arrival_note(system: PipelineSystem) -> None:
    result = ask(system, "新疆几天到")
    assert "不发货或不包邮" in result.text and "到货时间" not in result.text, result.text


def test_a_fit_the_size_chart_states_keeps_the_chart(system: PipelineSystem) -> None:
    result = ask(system, "37偏大吗", stage="FS08")
    assert "平时穿37码建议选36码" in result.text, result.text


@pytest.mark.parametrize(("stage", "text"), [("SP04", "给个保温杯链接"), ("HJ01", "罐装绿茶多少钱")])
def test_a_request_or_a_packs_word_before_a_name_is_no_use_of_the_stage_product(
    system: PipelineSystem, stage: str, text: str
) -> None:
    result = ask(system, text, stage=stage)
    assert result.product_id != stage, (result.product_id, result.text)


@pytest.mark.parametrize(
    ("stage", "text", "said"),
    [("FS02", "黑色M到货没", "黑色 M有货"), ("FS01", "米白什么时候到货", "米白 L已售罄")],
)
def test_a_version_come_back_in_stock_gets_its_stock_not_the_shipping_policy(
    system: PipelineSystem, stage: str, text: str, said: str
) -> None:
    result = ask(system, text, stage=stage)
    assert result.intent == "stock" and said in result.text, (result.intent, result.text)


def test_the_viewers_own_version_arrived_goes_to_a_person(system: PipelineSystem) -> None:
    result = ask(system, "我的黑色M到货没", stage="FS01")
    assert result.source != "catalog", (result.source, result.text)


@pytest.mark.parametrize(
    ("stage", "text", "said"),
    [
        # a colour and a size each sold, never together: said not sold, not the other colour's size
        ("FS08", "栗色39有吗", "没有栗色 39这个规格"),  # before: "黑色 39有货"
        ("FS08", "黑色38有吗", "没有黑色 38这个规格"),  # before: "黑色 37有货，黑色 39有货"
        ("FS03", "深蓝28有吗", "没有深蓝 28这个规格"),
        ("FS01", "米白XL有吗", "没有米白 XL这个规格"),
        # a battery's capacity, from an attribute in mAh
        ("SM02", "多少毫安", "20000mAh"),
        ("SM05", "电池多少毫安", "4000mAh"),
        # an Android phone's maker asked as 安卓 (before: paged to the host)
        ("SM01", "华为手机能用吗", "支持iOS和安卓"),
        ("SM04", "华为能用吗", "安卓8.0及以上"),
        ("SM09", "华为能用吗", "有线充电都可以"),  # the power bank's FAQ "安卓能用吗"
    ],
)
def test_the_catalog_says_what_was_asked(system: PipelineSystem, stage: str, text: str, said: str) -> None:
    result = ask(system, text, stage=stage)
    assert said in result.text, result.text


@pytest.mark.parametrize(
    ("stage", "text", "said"),
    [
        ("FS01", "10号黑色M", "黑色 M有货"),  # before: paged to the host
        ("MZ07", "11号白色M", "白色 M有货"),  # the link's product, whatever is on stage
        ("FS08", "17号栗色37码", "栗色 37有货"),
        ("MZ05", "5号豆沙玫瑰", "#01 豆沙玫瑰有货"),  # that version alone (before: every shade)
        ("FS01", "10号黑M", "黑色 M有货"),
        ("FS01", "10号链接黑色M", "黑色 M有货"),
    ],
)
def test_the_version_picked_by_its_link_gets_its_stock_alone(
    system: PipelineSystem, stage: str, text: str, said: str
) -> None:
    result = ask(system, text, stage=stage)
    assert result.source == "catalog" and result.text.endswith(said), (result.source, result.text)


@pytest.mark.parametrize("text", ["3号链接打不开", "3号链接点不进去", "3号链接怎么没了", "链接拍不了"])
def test_a_link_that_will_not_let_the_viewer_buy_goes_to_a_person(system: PipelineSystem, text: str) -> None:
    result = ask(system, text)
    assert result.source == "handoff", (result.source, result.text)


@pytest.mark.parametrize(
    ("stage", "text", "intent"),
    [
        ("SM01", "好滴 能退吗", "after_sales"),  # an acknowledgement names no goods
        ("MZ07", "嗯嗯 几天发货啊", "shipping"),
        ("FS01", "衣服包邮吗", "shipping"),  # in a fashion room, the clothes presented
        ("FS01", "衣服多久发货", "shipping"),
        ("MZ07", "包游吗", "shipping"),  # a typo of 包邮
        ("MZ07", "yunfei多少", "shipping"),  # pinyin: the fee, never the price
        ("MZ07", "包邮怎么弄", "shipping"),  # a procedure word, but the shipping terms are asked
    ],
)
def test_a_policy_question_behind_an_acknowledgement_a_general_word_or_a_typo_is_answered(
    system: PipelineSystem, stage: str, text: str, intent: str
) -> None:
    result = ask(system, text, stage=stage)
    assert result.source == "catalog" and result.intent == intent, (result.source, result.text)
    assert result.product_id == stage


@pytest.mark.parametrize("stage", ["MZ07", "FS08"])
def test_clothes_asked_of_are_never_goods_of_another_kind_on_stage(
    system: PipelineSystem, stage: str
) -> None:
    """A cleanser is no clothes, and snow boots are no garment: "衣服包邮吗" is not about them."""
    result = ask(system, "衣服包邮吗", stage=stage)
    assert result.product_id != stage and result.source != "catalog", result.text


@pytest.mark.parametrize(
    ("stage", "text"),
    [
        ("SM01", "保修包括电池吗"),  # what the warranty covers: no policy says
        ("SM01", "耳机坏了怎么保修"),  # the steps of a repair
        ("HJ05", "我暖风机要保修"),  # a demand
        ("SM01", "我这单能退吗"),  # the viewer's own order
        ("MZ07", "两瓶是分开寄吗"),  # parcels split
        ("FS01", "衣服会员价多少"),  # a member's price: the catalog's is everyone's
        ("MZ07", "vip有优惠吗"),
        ("SM01", "坏了是换新还是维修"),  # how a warranty is served
        ("SM01", "保修是全国联保吗"),
        ("FS01", "买两件能退一件吗"),  # part of an order
        ("SP01", "开了一包剩下的能退吗"),
    ],
)
def test_a_policy_question_beyond_the_policy_or_of_the_viewers_own_goes_to_a_person(
    system: PipelineSystem, stage: str, text: str
) -> None:
    result = ask(system, text, stage=stage)
    assert result.source == "handoff", (result.source, result.text)


def test_returns_of_flash_sale_goods_get_the_return_terms(system: PipelineSystem) -> None:
    result = ask(system, "秒杀的能退吗", stage="HJ05")
    assert result.source == "catalog" and result.intent == "after_sales" and "7天无理由" in result.text
