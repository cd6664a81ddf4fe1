"""Clients for fault tests against a real daphne (tests/servers.py): a visitor page and an
agent as the `websockets` library speaks, and a bare-socket agent that can stop reading,
send a close frame without waiting for the answer, or drop its connection mid-stream,
which no well-behaved client library does on purpose."""

import asyncio
import base64
import os
import socket
import struct
from http.cookiejar import CookieJar
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, ProxyHandler, Request, build_opener

import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Origin

from tests.servers import PASSWORD, Server

PAGE_ORIGIN = "http://127.0.0.1:5000"  # a visitor page on a trusted domain of group 72
WAIT = 20  # seconds any one expected frame may take on a busy machine
MAX_SKIPPED = 2000  # frames of other types passed over while waiting for one


def log_in(server: Server) -> str:
    """Log in as the demo agent through the login form; the Cookie header to send."""
    jar = CookieJar()
    opener = build_opener(ProxyHandler({}), HTTPCookieProcessor(jar))
    login = f"{server.url}/accounts/login/"
    with opener.open(login, timeout=WAIT) as response:
        response.read()
    csrf = next(c.value for c in jar if c.name == "csrftoken")
    form = {"username": "agent", "password": PASSWORD, "csrfmiddlewaretoken": csrf}
    request = Request(login, data=urlencode(form).encode(), headers={"Referer": login})
    with opener.open(request, timeout=WAIT) as response:
        response.read()
    return "sessionid=" + next(c.value for c in jar if c.name == "sessionid")


async def visitor_page(server: Server) -> ClientConnection:
    url = server.url.replace("http", "ws") + "/ws/visitor/72/"
    return await connect(
        url, origin=Origin(PAGE_ORIGIN), proxy=None, open_timeout=WAIT, max_size=None
    )


async def send(socket: ClientConnection, frame: dict) -> None:
    await socket.send(orjson.dumps(frame).decode())


async def frame_of(socket: ClientConnection, kind: str, **fields) -> dict:
    """The next frame of type `kind` (with `fields`, when given), passing over others."""
    async with asyncio.timeout(WAIT):
        for _ in range(MAX_SKIPPED):
            frame = orjson.loads(await socket.recv())
            if frame["t"] == kind and all(frame.get(k) == v for k, v in fields.items()):
                return frame
    raise AssertionError(f"no {kind!r} frame among the next {MAX_SKIPPED}")


async def start_session(server: Server, key: str) -> ClientConnection:
    visitor = await visitor_page(server)
    await send(visitor, {"t": "start", "site": "production", "key": key})
    started = await frame_of(visitor, "started")
    assert started["key"] == key
    return visitor


class RawSocket:
    """A WebSocket client on a bare TCP socket with a small receive buffer."""

    def __init__(self, server: Server, path: str, cookie: str) -> None:
        port = int(server.url.rsplit(":", 1)[1])
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.sock.settimeout(WAIT)
        self.sock.connect(("127.0.0.1", port))
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            f"Sec-WebSocket-Version: 13\r\nCookie: {cookie}\r\n\r\n"
        )
        self.sock.sendall(request.encode())
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            self.buffer += self.sock.recv(4096)
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        assert head.startswith(b"HTTP/1.1 101"), head

    def _send(self, opcode: int, payload: bytes) -> None:
        mask = os.urandom(4)
        header = bytes([0x80 | opcode])
        if len(payload) < 126:
            header += bytes([0x80 | len(payload)])
        elif len(payload) < 65536:
            header += bytes([0x80 | 126]) + struct.pack("!H", len(payload))
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", len(payload))
        masked = bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def send_close(self) -> None:
        """A close frame (1000), without reading the server's answer."""
        self._send(0x8, struct.pack("!H", 1000))

    def abort(self) -> None:
        """Drop the connection at once (RST), as a crashed browser or a lost network."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()

    def _read(self, count: int) -> bytes:
        while len(self.buffer) < count:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise ConnectionError("the server closed the connection")
            self.buffer += chunk
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def receive(self) -> tuple[int, bytes]:
        """The next frame from the server: (opcode, payload); 8 is a close frame."""
        first, second = self._read(2)
        length = second & 0x7F
        if length == 126:
            (length,) = struct.unpack("!H", self._read(2))
        elif length == 127:
            (length,) = struct.unpack("!Q", self._read(8))
        return first & 0x0F, self._read(length)

    def text_frames(self):
        """The server's text frames as they come, decoded; stops at a close frame."""
        while True:
            opcode, payload = self.receive()
            if opcode == 0x8:
                return
            if opcode == 0x1:
                yield orjson.loads(payload)


def agent_viewer(server: Server, key: str, cookie: str) -> RawSocket:
    """The demo agent's viewer socket on session `key`, on a bare socket."""
    return RawSocket(server, f"/ws/agent/session/{key}/", cookie)


def rss_bytes(pid: int) -> int:
    """Resident memory of a process, from /proc."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")
