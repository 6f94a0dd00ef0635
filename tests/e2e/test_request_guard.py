"""The key and the size limits come before the body: measured on the real server process."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx

from tests.e2e.harness import LiveServer

MIB = 1024 * 1024


def rss_high_water_mb(pid: int) -> float:
    """The process's peak resident memory so far (VmHWM), MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM in /proc status")


def response_to_headers_only(server: LiveServer, head: str) -> tuple[int, bytes]:
    """Send a request's head (declaring a large body) and read what the server answers without any
    body byte sent: (status, raw response)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(head.encode("latin-1"))
        raw = b""
        while chunk := sock.recv(65536):  # the server answers, then closes (Connection: close)
            raw += chunk
    return int(raw.split(b" ", 2)[1]), raw


def head(path: str, length: int, content_type: str, key: str | None = None) -> str:
    auth = f"Authorization: Bearer {key}\r\n" if key else ""
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}Content-Type: {content_type}\r\n"
        f"Content-Length: {length}\r\n\r\n"
    )


def test_requests_without_a_key_are_refused_before_their_body(fresh_server: LiveServer) -> None:
    server = fresh_server.start()
    before = rss_high_water_mb(server.pid)
    status, raw = response_to_headers_only(
        server, head("/v1/catalogs/shop/imports", 300 * MIB, "multipart/form-data; boundary=x")
    )
    assert status == 401 and b"www-authenticate: bearer" in raw.lower()
    status, _ = response_to_headers_only(
        server, head("/v1/rooms/demo/danmaku", 120 * MIB, "application/json")
    )
    assert status == 401
    status, _ = response_to_headers_only(
        server, head("/v1/rooms/demo/danmaku", 120 * MIB, "application/json", key="not-a-key")
    )
    assert status == 403
    grown = rss_high_water_mb(server.pid) - before
    print(f"peak RSS growth for 420 MiB of refused keyless bodies: {grown:+.1f} MB")
    # Nothing was received, so nothing was held: the peak stays where start-up left it
    # (measured +0.0 MB; the bound leaves room for the allocator).
    assert grown < 20


def test_bodies_over_the_route_limit_are_refused_while_they_stream(fresh_server: LiveServer) -> None:
    server = fresh_server.start()
    status, raw = response_to_headers_only(
        server, head("/v1/rooms/demo/danmaku", 120 * MIB, "application/json", key=server.key)
    )
    assert status == 413 and b"LIVESHOP_LIMITS__MAX_JSON_BYTES" in raw
    before = rss_high_water_mb(server.pid)

    def chunked_body() -> Iterator[bytes]:
        """A 64 MiB JSON body without a Content-Length (chunked)."""
        yield b'{"messages": [{"msg_id": "1", "viewer_id": "v", "text": "'
        for _ in range(64):
            yield b"a" * MIB
        yield b'"}]}'

    try:
        with httpx.Client(base_url=server.url, headers=server.auth, timeout=60) as http:
            response = http.post(
                "/v1/rooms/demo/danmaku", content=chunked_body(), headers={"Content-Type": "application/json"}
            )
        assert response.status_code == 413, response.text
        assert "LIVESHOP_LIMITS__MAX_JSON_BYTES" in response.json()["detail"]
    except (httpx.WriteError, httpx.RemoteProtocolError, httpx.ReadError):
        pass  # the server answered and closed while the client was still sending: also a refusal
    grown = rss_high_water_mb(server.pid) - before
    print(f"peak RSS growth for a 64 MiB chunked body refused at the 4 MiB limit: {grown:+.1f} MB")
    # The server stopped reading at the limit (4 MiB): its peak grew by about that much, not 64 MiB
    # (measured +0.0 MB).
    assert grown < 40
    with server.client() as http:  # and it serves on
        ok = http.post(
            "/v1/rooms/demo/danmaku",
            content=json.dumps({"messages": [{"msg_id": "ok", "viewer_id": "v", "text": "多少钱"}]}),
            headers={"Content-Type": "application/json"},
        )
    assert ok.status_code == 200
