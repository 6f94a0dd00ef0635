"""A scripted OpenAI-compatible chat-completions server, run as a real process by the tests.

It speaks ``POST /v1/chat/completions`` (plain JSON and ``stream: true`` server-sent events) so the
real ``openai`` client, its timeouts and our fallbacks are exercised over HTTP. Behaviour is scripted
per request through a control API:

- ``POST /_script`` with ``{"responses": [step, ...]}`` queues steps; each request takes the next one
  (when the queue is empty the default step answers ``"好的"``). A step is
  ``{"text": str, "status": int, "delay_s": float, "stall_s": float, "chunk_delay_s": float}``:
  ``status`` != 200 returns that error (429 with Retry-After), ``delay_s`` waits before the headers,
  ``stall_s`` sends the first chunk then goes silent that long, ``chunk_delay_s`` paces each chunk.
- ``GET /_requests`` returns the request bodies received, ``POST /_reset`` clears queue and log.

Run: ``python -m tests.fakes.openai_server --port 0`` prints ``LISTENING <port>`` on stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DEFAULT_STEP: dict[str, Any] = {"text": "好的"}


class ScriptState:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.queue: deque[dict[str, Any]] = deque()
        self.requests: list[dict[str, Any]] = []

    def next_step(self, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self.requests.append(body)
            return self.queue.popleft() if self.queue else dict(DEFAULT_STEP)


STATE = ScriptState()


def _completion(text: str, model: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-scripted",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": len(text), "total_tokens": 1 + len(text)},
    }


def _chunk(model: str, delta: dict[str, Any], finish: str | None = None) -> bytes:
    payload = {
        "id": "chatcmpl-scripted",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n".encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        return

    def _json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length) if length else b"{}"
        parsed: dict[str, Any] = json.loads(raw or b"{}")
        return parsed

    def do_GET(self) -> None:
        if self.path == "/_requests":
            with STATE.lock:
                self._json(200, {"requests": list(STATE.requests)})
        else:
            self._json(404, {"error": {"message": "not found"}})

    def do_POST(self) -> None:
        if self.path == "/_script":
            steps = self._body().get("responses", [])
            with STATE.lock:
                STATE.queue.extend(steps)
            self._json(200, {"queued": len(steps)})
        elif self.path == "/_reset":
            with STATE.lock:
                STATE.queue.clear()
                STATE.requests.clear()
            self._json(200, {"ok": True})
        elif self.path.rstrip("/").endswith("/chat/completions"):
            self._chat(self._body())
        else:
            self._json(404, {"error": {"message": "not found"}})

    def _chat(self, body: dict[str, Any]) -> None:
        step = STATE.next_step(body)
        time.sleep(float(step.get("delay_s", 0)))
        status = int(step.get("status", 200))
        if status != 200:
            headers = {"Retry-After": "1"} if status == 429 else {}
            self._json(status, {"error": {"message": f"scripted {status}", "type": "scripted"}}, headers)
            return
        text = str(step.get("text", ""))
        model = str(body.get("model", "scripted"))
        if not body.get("stream"):
            self._json(200, _completion(text, model))
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        try:
            self._stream(text, model, step)
        except (BrokenPipeError, ConnectionResetError):
            return  # the client gave up (its timeout): expected in stall tests

    def _stream(self, text: str, model: str, step: dict[str, Any]) -> None:
        pieces = [text[i : i + 4] for i in range(0, len(text), 4)] or [""]
        self.wfile.write(_chunk(model, {"role": "assistant", "content": ""}))
        self.wfile.flush()
        for n, piece in enumerate(pieces):
            if n == 1 and step.get("stall_s"):
                time.sleep(float(step["stall_s"]))
            time.sleep(float(step.get("chunk_delay_s", 0)))
            self.wfile.write(_chunk(model, {"content": piece}))
            self.wfile.flush()
        self.wfile.write(_chunk(model, {}, finish="stop"))
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    print(f"LISTENING {server.server_address[1]}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
