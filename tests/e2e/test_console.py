"""The operator console in a real browser (Debian's Chromium via Playwright) against ``liveshop serve``.

The page is driven as an operator drives it; the service is checked through its public API and a
viewer's room socket. Every wait is Playwright's ``expect`` (it retries until the page shows the
state); nothing sleeps to wait (the captions test paces its audio frames in real time, as a live
encoder does). A failing test leaves a screenshot in its pytest tmp dir; each page's
screenshot is also saved to /tmp/console-shots/ for the release notes.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright
from websockets.sync.client import ClientConnection, connect

from tests.e2e.harness import FRAME_S, REPO_ROOT, LiveServer, pcm16_frames, require_chromium

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path("/tmp/console-shots")
EXAMPLE_JSON = REPO_ROOT / "knowledge" / "templates" / "catalog_example.json"
PRODUCTS_CSV = REPO_ROOT / "knowledge" / "templates" / "csv" / "products.csv"
AUDIO = REPO_ROOT / "tests" / "data" / "audio"
OPENING_S = 10.0  # the dialogue's first 10 s: the host's first two sentences
WAIT_MS = 60_000  # a busy 2-core machine answers slowly; expect() returns as soon as the page is right
expect.set_options(timeout=WAIT_MS)

# Every control must have a name a screen reader can say (a <label>, aria-label or its text).
UNLABELLED_JS = """() => [...document.querySelectorAll('input, select, textarea, button, [role=button]')]
  .filter((el) => !el.closest('[hidden]'))
  .filter((el) => !((el.labels && el.labels.length) || el.getAttribute('aria-label')
                    || (el.tagName === 'BUTTON' && el.textContent.trim())))
  .map((el) => el.outerHTML.slice(0, 120))"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = require_chromium()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Page]:
    """A fresh browser context (empty sessionStorage); a screenshot in tmp_path if the test fails,
    and no uncaught script error allowed."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda exc: errors.append(str(exc)))
    failed_before = request.session.testsfailed
    yield opened
    if request.session.testsfailed > failed_before:
        shot = tmp_path / f"{request.node.name}-failure.png"
        opened.screenshot(path=str(shot), full_page=True)
        print(f"screenshot of the failure: {shot}")
    context.close()
    assert errors == [], f"uncaught script errors in the console: {errors}"


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def assert_every_control_labelled(page: Page) -> None:
    assert page.evaluate(UNLABELLED_JS) == []


def tab_to(page: Page, target: Locator, most: int = 20) -> None:
    """Press Tab until ``target`` has the focus (it must be reachable within ``most`` presses)."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if target.evaluate("(el) => el === document.activeElement"):
            return
    raise AssertionError(f"not reachable with Tab in {most} presses: {target}")


def sign_in(page: Page, server: LiveServer, hash_path: str = "") -> None:
    page.goto(f"{server.url}/{hash_path}")
    page.get_by_label("API 密钥").fill(server.key)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("navigation")).to_be_visible()


def new_room(page: Page, room_id: str) -> None:
    """Create a room over the demo catalog through the rooms page; the page opens it."""
    page.get_by_role("link", name="直播间").click()
    page.get_by_label("房间 ID").fill(room_id)
    page.get_by_label("标题").fill("控制台测试")
    page.get_by_label("商品库", exact=True).select_option("demo")
    page.get_by_role("button", name="创建").click()
    expect(page.get_by_role("heading", name=f"直播间 {room_id}")).to_be_visible()
    expect(page.locator(".conn[data-state=live]")).to_be_visible()  # feed and room sockets open


def post_danmaku(server: LiveServer, room_id: str, *messages: dict[str, Any]) -> dict[str, Any]:
    with server.client() as http:
        response = http.post(f"/v1/rooms/{room_id}/danmaku", json={"messages": list(messages)})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def message(msg_id: str, text: str, viewer: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "msg_id": msg_id,
        "viewer_id": viewer or f"v-{msg_id}",
        "nickname": "小王",
        "text": text,
    }
    return out


def operator_answer(server: LiveServer, faq_id: str) -> dict[str, Any] | None:
    with server.client() as http:
        entries: list[dict[str, Any]] = http.get("/v1/catalogs/demo/faq").json()["faq"]
    return next((e for e in entries if e["faq_id"] == faq_id), None)


def viewer_socket(server: LiveServer, room_id: str) -> ClientConnection:
    return connect(
        f"{server.ws_url}/v1/rooms/{room_id}/ws",
        additional_headers=server.auth,
        open_timeout=30,
        ping_interval=None,
        max_queue=None,
    )


def next_reply(ws: ClientConnection) -> dict[str, Any]:
    """The next reply a viewer sees (stage changes and pushes skipped)."""
    while True:
        frame: dict[str, Any] = json.loads(ws.recv(timeout=60))
        if frame["type"] == "reply":
            return frame


def test_sign_in_language_switch_and_labels(page: Page, demo_server: LiveServer) -> None:
    page.goto(demo_server.url)
    expect(page.get_by_role("heading", name="登录运营台")).to_be_visible()
    assert_every_control_labelled(page)
    shot(page, "01-sign-in")
    page.get_by_label("API 密钥").fill("not-a-key")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_contain_text("密钥无效")

    sign_in(page, demo_server)
    expect(page.get_by_role("heading", name="直播间", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="demo", exact=True).first).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('liveshop.key')") == demo_server.key
    assert page.evaluate("localStorage.getItem('liveshop.key')") is None  # the key stays in the tab
    assert_every_control_labelled(page)
    shot(page, "02-rooms")

    page.get_by_role("button", name="Switch to English").click()
    expect(page.get_by_role("link", name="Rooms")).to_be_visible()
    expect(page.get_by_role("heading", name="Rooms", exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "en"
    shot(page, "02-rooms-en")
    page.get_by_role("button", name="切换到中文").click()
    expect(page.get_by_role("link", name="直播间")).to_be_visible()

    page.reload()  # still signed in (sessionStorage); nothing has the focus yet
    expect(page.get_by_role("heading", name="直播间", exact=True)).to_be_visible()
    page.keyboard.press("Tab")  # keyboard reachable: the first stop is the skip link, then the nav
    expect(page.get_by_role("link", name="跳到主要内容")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="直播间")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="直播间", exact=True)).to_be_visible()


def test_catalog_upload_problems_good_file_price_edit_and_templates(
    page: Page, demo_server: LiveServer
) -> None:
    catalog_id = f"console-{uuid.uuid4().hex[:8]}"
    sign_in(page, demo_server, "#/catalog")
    page.get_by_label("导入到商品库 ID").fill(catalog_id)
    # the drop zone works from the keyboard too: Enter opens the file input's chooser
    page.get_by_label("选择文件", exact=True).evaluate(
        "(input) => input.addEventListener('click', (e) => { e.preventDefault(); window.chosen = true; })"
    )
    page.get_by_role("button", name=re.compile("拖到这里")).focus()
    page.keyboard.press("Enter")
    page.wait_for_function("window.chosen === true")

    bad = PRODUCTS_CSV.read_text(encoding="utf-8-sig").replace(",79.00,129.00,120,", ",7x9,129.00,120,", 1)
    dropped = page.evaluate_handle(
        """([name, text]) => { const dt = new DataTransfer();
             dt.items.add(new File([text], name, { type: 'text/csv' })); return dt; }""",
        ["products.csv", bad],
    )
    page.get_by_role("button", name=re.compile("拖到这里")).dispatch_event("drop", {"dataTransfer": dropped})
    expect(page.get_by_role("alert")).to_contain_text("导入被拒绝")
    problems = page.locator("table.problems")
    expect(problems.get_by_role("row").filter(has_text="7x9")).to_contain_text("price")
    expect(problems.get_by_role("row").filter(has_text="7x9")).to_contain_text("products.csv")
    shot(page, "03-catalog-rejected")

    page.get_by_label("选择文件", exact=True).set_input_files(str(EXAMPLE_JSON))
    expect(page.locator(".upload-result")).to_contain_text("导入成功")
    price = page.get_by_label("原价 P1001-BK-M")
    expect(price).to_have_value("79.00")
    expect(page.locator("tr[data-sku-id='P1001-BK-M'] td.effective")).to_contain_text("¥")
    price.fill("69.00")
    page.get_by_role("button", name="保存: 纯棉圆领T恤").click()
    expect(page.get_by_label("原价 P1001-BK-M")).to_have_value("69.00")
    expect(page.get_by_role("cell", name="v2", exact=True)).to_be_visible()  # the patch made a version
    with demo_server.client() as http:
        product = http.get(f"/v1/catalogs/{catalog_id}/products/P1001").json()["product"]
    assert product["skus"][0]["price"] == "69.00"

    with page.expect_download() as download:
        page.get_by_role("button", name="下载模板 catalog_template.xlsx").click()
    assert download.value.suggested_filename == "catalog_template.xlsx"

    assert_every_control_labelled(page)
    shot(page, "04-catalog")


def test_live_room_stage_feed_review_handoff_and_flash_sale(page: Page, demo_server: LiveServer) -> None:
    room_id = f"console-{uuid.uuid4().hex[:8]}"
    sign_in(page, demo_server)
    new_room(page, room_id)
    assert_every_control_labelled(page)

    # stage: put link 1 on stage; the row and the timeline show it
    page.get_by_role("button", name="上台讲解: 澜序 修护精华液").click()
    expect(page.locator("tr[data-product-id='MZ01']")).to_contain_text("讲解中")
    expect(page.get_by_role("list", name="讲解时间线")).to_contain_text("澜序 修护精华液")

    # danmaku through the API: the feed shows each message's outcome, the reply its facts
    result = post_danmaku(demo_server, room_id, message("m1", "这个多少钱"), message("m2", "主播好漂亮"))
    reply_id = result["replies"][0]["reply_id"]
    expect(page.locator("li[data-msg-id='m1']")).to_contain_text(f"已回复 {reply_id}")
    expect(page.locator("li[data-msg-id='m2']")).to_contain_text("忽略: 闲聊")
    reply = page.locator(f".replies li[data-reply-id='{reply_id}']")
    expect(reply).to_contain_text("329")
    expect(reply).to_contain_text("商品资料")
    expect(reply).to_contain_text("耗时")
    expect(page.locator("[data-figure=p99] dd")).to_contain_text("ms")

    # review: hold catalog replies; approve one, edit another (a banned term is refused first)
    page.get_by_label("商品资料", exact=True).check()
    expect(page.get_by_role("status").first).to_contain_text("审核设置已保存")
    with demo_server.client() as http:
        assert http.get(f"/v1/rooms/{room_id}/review").json() == {"hold": ["catalog"]}
    viewer = viewer_socket(demo_server, room_id)
    held = post_danmaku(demo_server, room_id, message("m3", "这个有货吗"), message("m4", "这个发什么快递"))
    first, second = (r["reply_id"] for r in held["replies"])
    assert all(r["held"] for r in held["replies"])
    expect(page.locator("li[data-msg-id='m3']")).to_contain_text(f"待审核 {first}")
    held_first = page.locator(f".held li[data-reply-id='{first}']")
    held_second = page.locator(f".held li[data-reply-id='{second}']")
    expect(held_first).to_contain_text("这个有货吗")
    expect(held_second).to_contain_text("这个发什么快递")
    held_first.get_by_role("button", name="通过").click()
    expect(held_first).to_have_count(0)
    expect(page.locator("li[data-msg-id='m3']")).to_contain_text(f"已回复 {first}")
    held_second.get_by_label("回复内容").fill("全网最低价，只要1234.56元")
    held_second.get_by_role("button", name="修改后发送").click()
    expect(held_second.get_by_role("alert")).to_contain_text("全网最低价")
    expect(held_second.get_by_role("alert")).to_contain_text("1234.56")
    held_second.get_by_label("回复内容").fill("顺丰包邮，付款后24小时内发货")
    held_second.get_by_role("button", name="修改后发送").click()
    expect(page.get_by_role("list", name="待审核回复")).to_contain_text("没有待审核的回复")
    expect(page.locator(f".replies li[data-reply-id='{second}']")).to_contain_text(
        "顺丰包邮，付款后24小时内发货"
    )
    with viewer:  # the viewer saw the approved reply, then the edited text, never the held ones
        assert next_reply(viewer)["reply_id"] == first
        edited = next_reply(viewer)
        assert (edited["reply_id"], edited["text"]) == (second, "顺丰包邮，付款后24小时内发货")

    # handoff: the operator's reply goes to the viewer who asked (the room and the replies panel)
    # and becomes an operator answer (used from the next danmaku on); a banned term is refused first
    handoff = post_danmaku(demo_server, room_id, message("m5", "可以开发票吗"))
    assert [r["source"] for r in handoff["replies"]] == ["handoff"], handoff
    item = page.locator(".handoffs li[data-msg-id='m5']")
    viewer = viewer_socket(demo_server, room_id)
    item.get_by_label("运营回复").fill("全网最低价，可以开发票")
    item.get_by_role("button", name="设为运营答案").click()
    expect(item.get_by_role("alert")).to_contain_text("全网最低价")
    item.get_by_label("运营回复").fill("可以开发票，下单时备注抬头即可")
    item.get_by_role("button", name="设为运营答案").click()
    expect(item).to_contain_text("已设为运营答案")
    sent = page.locator(".replies li", has_text="可以开发票，下单时备注抬头即可")
    expect(sent).to_contain_text("→ m5")
    with viewer:  # one reply, addressed to the viewer, and nothing for the refused text
        seen = next_reply(viewer)
        assert (seen["reply_to"], seen["text"]) == (["m5"], "@小王 可以开发票，下单时备注抬头即可"), seen
    with demo_server.client() as http:  # answered: off the queue
        assert "m5" not in {h["msg_id"] for h in http.get(f"/v1/rooms/{room_id}/handoffs").json()["handoffs"]}
    answer = operator_answer(demo_server, f"handoff-{room_id}-m5")
    assert answer is not None, "the operator answer was not saved"
    assert (answer["question"], answer["answer"]) == (
        "可以开发票吗",
        "可以开发票，下单时备注抬头即可",
    )
    assert answer["product_id"] == handoff["replies"][0]["product_id"]  # the product asked about, if any
    with demo_server.client() as http:  # leave the shared demo catalog as it was
        assert http.delete(f"/v1/catalogs/demo/faq/handoff-{room_id}-m5").status_code == 200

    # a flash sale now, with its end time and a running countdown; the stage price follows
    page.get_by_label("商品", exact=True).select_option("MZ01")
    page.get_by_label("活动名称").fill("限时秒杀")
    page.get_by_label("秒杀价（元）").fill("299.00")
    page.get_by_label("持续分钟").fill("10")
    page.get_by_role("button", name="立即开始").click()
    promo = page.get_by_role("list", name="进行中的活动").get_by_role("listitem").first
    expect(promo).to_contain_text("限时秒杀")
    expect(promo.get_by_label("剩余时间")).to_have_text(re.compile(r"^(10:00|9:[0-5]\d)$"))
    expect(page.locator("tr[data-product-id='MZ01']")).to_contain_text("¥299.00")
    # and a room coupon for link 2: its price after the coupon shows at once
    page.get_by_label("类型").select_option("coupon")
    page.get_by_label("商品", exact=True).select_option("MZ02")
    page.get_by_label("活动名称").fill("直播间专享券")
    page.get_by_label("优惠金额（元）").fill("20")
    page.get_by_role("button", name="立即开始").click()
    expect(page.locator(".promos li").filter(has_text="直播间专享券")).to_contain_text("-¥20")
    expect(page.locator("tr[data-product-id='MZ02']")).to_contain_text("¥339.00")
    assert_every_control_labelled(page)
    shot(page, "05-live-room")


def test_feed_stays_bounded_under_a_burst(page: Page, demo_server: LiveServer) -> None:
    room_id = f"console-{uuid.uuid4().hex[:8]}"
    sign_in(page, demo_server)
    new_room(page, room_id)
    for batch in range(5):  # 1000 danmaku from 1000 viewers, 200 per request
        messages = [message(f"b{batch}-{i}", f"{i % 45 + 1}号链接多少钱") for i in range(200)]
        post_danmaku(demo_server, room_id, *messages)
    expect(page.locator("li[data-msg-id='b4-199']")).to_be_visible()
    expect(page.locator(".feed li")).to_have_count(400)  # older danmaku leave the screen
    expect(page.locator(".replies li")).not_to_have_count(0)


def test_operator_answers_page_hits_edit_and_delete(page: Page, demo_server: LiveServer) -> None:
    faq_id = f"console-{uuid.uuid4().hex[:8]}"
    room_id = f"console-{uuid.uuid4().hex[:8]}"
    with demo_server.client() as http:
        body = {"question": "周末发货吗", "answer": "周末正常发货"}
        assert http.put(f"/v1/catalogs/demo/faq/{faq_id}", json=body).status_code == 200
        room = {"room_id": room_id, "catalog_id": "demo", "title": "运营答案"}
        assert http.post("/v1/rooms", json=room).status_code == 201
        assert http.put(f"/v1/rooms/{room_id}/stage", json={"product_id": "MZ01"}).status_code == 200
    sign_in(page, demo_server, "#/faq/demo")
    entry = page.locator(f"li[data-faq-id='{faq_id}']")
    expect(entry).to_contain_text("周末发货吗")
    expect(entry.locator(".hits")).to_have_text("命中 0")
    replies = post_danmaku(demo_server, room_id, message("q1", "周末发货吗"))["replies"]
    assert [r["source"] for r in replies] == ["faq"], replies
    page.reload()
    expect(entry.locator(".hits")).to_have_text("命中 1")  # the answer was used once
    entry.get_by_label(f"答案 ({faq_id})").fill("周六日也发货，顺丰")
    entry.get_by_role("button", name=f"保存: {faq_id}").click()
    expect(page.get_by_role("status").first).to_contain_text("已保存")
    saved = operator_answer(demo_server, faq_id)
    assert saved is not None and saved["answer"] == "周六日也发货，顺丰"
    assert_every_control_labelled(page)
    shot(page, "06-operator-answers")
    page.locator(f"li[data-faq-id='{faq_id}']").get_by_role("button", name=f"删除: {faq_id}").click()
    expect(page.locator(f"li[data-faq-id='{faq_id}']")).to_have_count(0)
    assert operator_answer(demo_server, faq_id) is None


def test_live_captions_show_with_the_enrolled_speaker_name(page: Page, demo_server: LiveServer) -> None:
    room_id = f"console-{uuid.uuid4().hex[:8]}"
    sign_in(page, demo_server)
    new_room(page, room_id)
    with demo_server.client() as http:
        for name, voice in (("主播", "enrol_host.flac"), ("嘉宾", "enrol_guest.flac")):
            enrolled = http.post(
                f"/v1/rooms/{room_id}/speakers",
                data={"name": name, "consent": "true"},
                files={"file": (voice, (AUDIO / voice).read_bytes(), "audio/flac")},
            )
            assert enrolled.status_code in (200, 201), enrolled.text
    url = f"{demo_server.ws_url}/v1/rooms/{room_id}/audio"
    with connect(
        url, additional_headers=demo_server.auth, open_timeout=30, ping_interval=None, max_queue=None
    ) as audio:
        audio.send(json.dumps({"type": "start", "sample_rate": 16000, "channels": 1, "format": "pcm_s16le"}))
        started = time.monotonic()
        opening = list(pcm16_frames(AUDIO / "dialogue.flac"))[: int(OPENING_S / FRAME_S)]
        for sent, frame in enumerate(opening, start=1):
            audio.send(frame)
            time.sleep(max(0.0, started + sent * FRAME_S - time.monotonic()))  # real-time pace
        audio.send(json.dumps({"type": "end"}))
        while json.loads(audio.recv(timeout=120))["type"] != "end":
            pass  # the last final is out once the stream says "end"
    caption = page.get_by_role("log", name="实时字幕").get_by_role("listitem").first
    expect(caption).to_contain_text("主播:")  # the host opens the show
    shot(page, "07-live-captions")


def test_evals_page_runs_the_answer_eval_and_shows_its_report(page: Page, demo_server: LiveServer) -> None:
    sign_in(page, demo_server, "#/evals")
    expect(page.get_by_role("heading", name="回答评测")).to_be_visible()
    assert_every_control_labelled(page)
    limit = page.get_by_label("题目数量上限（可空：全部）")
    tab_to(page, limit)  # keyboard only: Tab to the field, type, Tab to the button, Enter
    page.keyboard.type("8")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="开始评测")).to_be_focused()
    page.keyboard.press("Enter")
    report = page.get_by_role("region", name=re.compile("评测报告"))
    verdict = report.get_by_role("heading").locator(".badge")
    expect(verdict).to_have_text("通过", timeout=300_000)  # the gate's verdict once the run ends
    expect(report.locator("progress")).to_have_attribute("value", "8")
    headline = report.get_by_role("table", name="总体指标")  # figures by their Chinese label
    expect(headline.get_by_role("row").filter(has_text="事实准确率")).to_contain_text("%")
    expect(headline.get_by_role("row").filter(has_text="用例数")).to_contain_text("8")
    expect(headline.get_by_title("exact_fact_accuracy")).to_have_text("事实准确率")  # the key on hover
    expect(headline).not_to_contain_text("exact_fact_accuracy")
    tags = report.get_by_role("table", name="类别")
    expect(tags.get_by_role("row")).not_to_have_count(1)
    expect(tags.get_by_title("price", exact=True)).to_have_text("价格")
    expect(page.get_by_role("button", name="开始评测")).to_be_enabled()  # one run at a time, then free
    run_id = page.evaluate("decodeURIComponent(location.hash.split('/')[2])")
    with demo_server.client() as http:
        run = http.get(f"/v1/evals/answers/runs/{run_id}").json()
    assert run["status"] == "passed" and run["report"]["metrics"]["cases"] == 8
    assert_every_control_labelled(page)
    shot(page, "08-evals")

    # a run of every case, cancelled from its row, then deleted; the finished run stays
    page.get_by_label("题目数量上限（可空：全部）").fill("")
    page.get_by_role("button", name="开始评测").click()
    runs = page.get_by_role("table", name="评测记录")
    expect(runs.get_by_role("row").filter(has_text="运行中")).to_have_count(1)
    going_id = page.evaluate("decodeURIComponent(location.hash.split('/')[2])")
    assert going_id != run_id
    assert_every_control_labelled(page)
    runs.get_by_role("button", name=f"取消: {going_id}").click()
    expect(runs.get_by_role("row").filter(has_text=going_id)).to_contain_text("已取消")
    expect(page.get_by_role("button", name="开始评测")).to_be_enabled()
    runs.get_by_role("button", name=f"删除: {going_id}").click()
    expect(runs.get_by_role("row").filter(has_text=going_id)).to_have_count(0)
    expect(runs.get_by_role("row").filter(has_text=run_id)).to_contain_text("通过")
    with demo_server.client() as http:
        assert http.get(f"/v1/evals/answers/runs/{going_id}").status_code == 404
