"""The service as deployed: a real ``liveshop serve`` process on a free loopback port.

Nothing here imports the app. A server is started the way the README starts it (``liveshop serve
--demo``), with its own data directory, and driven only through real clients (httpx, the
``websockets`` library, the ``openai`` SDK, a browser). Its combined stdout/stderr is kept in a log
file that tests read (the development key it prints, what it logs).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import av
import httpx
import numpy as np
import redis

REPO_ROOT = Path(__file__).resolve().parents[2]
LIVESHOP = Path(sys.executable).with_name("liveshop")
DEV_KEY_PATTERN = re.compile(r"development key for this run:\S*\s+(dev-[A-Za-z0-9_\-]+)")
READY_TIMEOUT_S = 180.0


def free_port() -> int:
    """A TCP port nobody listens on now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerFailed(RuntimeError):
    """The server process exited or never became ready; the message carries its log tail."""


class LiveServer:
    """One ``liveshop serve`` process. ``api_key=None`` uses the development key it prints."""

    def __init__(
        self,
        data_dir: Path,
        *,
        demo: bool = True,
        api_key: str | None = None,
        port: int | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.demo = demo
        self.port = port or free_port()
        self.log_path = data_dir.parent / f"serve-{self.port}.log"
        self._configured_key = api_key
        self._env = env or {}
        self._process: subprocess.Popen[bytes] | None = None
        self.key = api_key or ""

    # -- addresses ----------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}

    def client(self, **kwargs: Any) -> httpx.Client:
        """An httpx client on this server that sends the key."""
        return httpx.Client(base_url=self.url, headers=self.auth, timeout=60.0, **kwargs)

    # -- life cycle ---------------------------------------------------------------------------
    def command(self) -> list[str]:
        argv = [str(LIVESHOP), "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        return [*argv, "--demo"] if self.demo else argv

    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LIVESHOP_")}
        env.update(
            {
                "LIVESHOP_DATA_DIR": str(self.data_dir),
                "LIVESHOP_MODEL_DIR": os.environ.get("LIVESHOP_MODEL_DIR", str(REPO_ROOT / "models")),
                "HF_HUB_OFFLINE": "1",
                "TRANSFORMERS_OFFLINE": "1",
                "PYTHONUNBUFFERED": "1",
                "COLUMNS": "400",  # the printed key stays on one line
            }
        )
        if self._configured_key:
            env["LIVESHOP_API_KEYS"] = self._configured_key
        env.update(self._env)
        return env

    def start(self, wait: bool = True) -> LiveServer:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self._process = subprocess.Popen(
            self.command(), cwd=REPO_ROOT, env=self.environment(), stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout_s: float = READY_TIMEOUT_S) -> None:
        """Block until ``/readyz`` answers 200 (models and indexes loaded)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            self._check_alive()
            if not self.key:
                match = DEV_KEY_PATTERN.search(self.log())
                self.key = match.group(1) if match else ""
            try:
                if self.key and httpx.get(f"{self.url}/readyz", timeout=2.0).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.25)
        raise ServerFailed(f"not ready after {timeout_s:.0f} s; log tail:\n{self.log()[-4000:]}")

    def _check_alive(self) -> None:
        if self._process is not None and self._process.poll() is not None:
            raise ServerFailed(
                f"liveshop serve exited with {self._process.returncode}; log tail:\n{self.log()[-4000:]}"
            )

    @property
    def pid(self) -> int:
        assert self._process is not None
        return self._process.pid

    def stop(self, sig: int = signal.SIGTERM, timeout_s: float = 30.0) -> int | None:
        """Send ``sig`` (SIGKILL for a crash) and wait for the process to exit; its exit code."""
        if self._process is None:
            return None
        if self._process.poll() is None:
            self._process.send_signal(sig)
            try:
                self._process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(10)
        code = self._process.returncode
        self._process = None
        return code

    def restart(self) -> LiveServer:
        self.stop()
        return self.start()

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def require_chromium() -> str:
    """Debian's chromium, installed by scripts/install.sh; its absence is a failure, not a skip."""
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        raise AssertionError(
            "chromium is not installed: run scripts/install.sh (it installs Debian's chromium)"
        )
    return path


FRAME_S = 0.02  # 20 ms PCM frames, as a live encoder sends them


def pcm16_frames(path: Path) -> Iterator[bytes]:
    """``path`` decoded to 16 kHz mono PCM16, in ``FRAME_S`` frames (what the audio socket takes)."""
    with av.open(str(path)) as container:
        resampler = av.AudioResampler(format="s16", layout="mono", rate=16000)
        chunks = [
            out.to_ndarray().reshape(-1)
            for frame in container.decode(audio=0)
            for out in resampler.resample(frame)
        ]
    samples = np.concatenate(chunks).astype("<i2").tobytes()
    step = int(16000 * FRAME_S) * 2
    for start in range(0, len(samples), step):
        yield samples[start : start + step]


REDIS_URL = "redis://127.0.0.1:6379/0"  # the Redis every machine of the project runs


def delete_redis_keys(prefix: str) -> None:
    """Remove what servers started with ``LIVESHOP_REDIS_PREFIX=prefix`` left in Redis."""
    client = redis.Redis.from_url(REDIS_URL)
    try:
        keys = list(client.scan_iter(match=f"{prefix}*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()
