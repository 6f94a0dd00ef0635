"""Nothing lost on restart: everything a store keeps is there after re-opening it (sqlite: the same
file after close, and after the writing process was killed with SIGKILL; redis: a new instance)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

from assistant.danmaku.dialogue import ViewerDialogue
from assistant.danmaku.operator_faq import OperatorAnswer
from assistant.danmaku.types import Intent
from assistant.rooms import Room
from assistant.state import Consent, EnrolledVoice, Handoff, StateStores, build_state_stores
from speech.domain import Caption
from tests.assistant.state.conftest import Backend

T0 = datetime(2026, 12, 4, 20, 0, tzinfo=UTC)
REPO = Path(__file__).resolve().parents[3]


def _write_everything(stores: StateStores) -> None:
    stores.rooms.create(Room("room", "cat", "直播间", T0))
    stores.rooms.update("room", lambda r: r.with_stage("p1", T0))
    stores.dialogue.put("room", "v1", ViewerDialogue("p1", None, Intent.PRICE, T0))
    assert stores.guards.first_seen("room", "m1", T0)
    stores.handoffs.add([Handoff("room", "m2", "v2", "小李", "能开发票吗", "p1", T0)])
    stores.operator_answers.put(OperatorAnswer("f1", "cat", "发什么快递", "顺丰"))
    stores.recommender.save("room", {"version": 1, "profiles": {"v1": {"cart": ["p1"]}, "v3": {}}})
    stores.recommender.set_opt_out("room", "v3", True)
    stores.captions.append("room", Caption(0.0, 1.5, "host", "大家好"), T0)
    stores.voices.enrol("room", EnrolledVoice("主播", (0.5, 1.0), T0, Consent(T0, "同意")))


def _check_everything(stores: StateStores) -> None:
    assert stores.rooms.get("room").stage_at(T0) == "p1"
    assert stores.dialogue.get("room", "v1", T0) == ViewerDialogue("p1", None, Intent.PRICE, T0)
    assert not stores.guards.first_seen("room", "m1", T0)  # a replayed message stays a duplicate
    assert [h.msg_id for h in stores.handoffs.list("room")] == ["m2"]
    assert [a.answer for a in stores.operator_answers.list("cat")] == ["顺丰"]
    assert stores.recommender.load("room") == {"version": 1, "profiles": {"v1": {"cart": ["p1"]}}}
    assert stores.recommender.opted_out("room") == {"v3"}
    assert [c.text for c in stores.captions.log("room").captions] == ["大家好"]
    assert [v.name for v in stores.voices.voices("room")] == ["主播"]
    assert [e.kind for e in stores.voices.consent_log("room")] == ["given"]


def test_everything_survives_a_restart(shared: Backend) -> None:
    first = shared.make()
    _write_everything(first)
    first.close()
    _check_everything(shared.make())


def test_sqlite_survives_kill_9(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    script = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        from assistant.state import build_state_stores
        from tests.assistant.state.test_restart import _write_everything
        stores = build_state_stores("sqlite", sqlite_path=Path({str(path)!r}))
        _write_everything(stores)
        print(stores.reply_ids.next_id(), flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    killed_id = done.stdout.strip()
    assert os.path.exists(path)
    stores = build_state_stores("sqlite", sqlite_path=path)
    try:
        _check_everything(stores)
        assert stores.reply_ids.next_id() != killed_id
    finally:
        stores.close()
