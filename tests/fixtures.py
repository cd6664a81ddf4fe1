"""Fixtures for the server-side tests: the demo group 72 with two agents, an outsider who
is an agent of group 73, and WebSocket clients that act as a visitor page, an agent's
viewer and an agent's dashboard, driven through the real ASGI application.

`tests/cobrowse/conftest.py` and `tests/agents/conftest.py` import everything from here.
"""

import json
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

from agents.models import Membership
from cobrowse.models import CobrowseSession, Group, SessionEvent, Site, TrustedDomain
from tandem.asgi import application

ORIGIN = "http://127.0.0.1:5000"
# How long a test waits for a frame (or a connect, a close) before it fails, in seconds. A
# passing test never waits it out, so it is generous: on a shared two-core machine a
# dashboard listing 5,000 visitors has taken over 2 s to send its first part.
TIMEOUT = 10
# How long a socket closed at a test's end gets to finish its consumer before it is cancelled.
CLOSE_TIMEOUT = 2
MASKS = ".demo-private\n#card-number"

Socket = WebsocketCommunicator


@pytest.fixture(autouse=True)
def fresh_channel_layer_and_cache():
    """Each test gets its own in-memory channel layer and an empty cache (agent counts)."""
    channel_layers.backends = {}
    cache.clear()
    yield
    channel_layers.backends = {}
    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing costs a fraction of a second per password; these tests are not about it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo_group() -> Group:
    """Group 72 as `manage.py demo` makes it, plus a disabled `staging` site."""
    group = Group.objects.create(public_id=72, name="Demo", mask_selectors=MASKS)
    Site.objects.create(group=group, name="production")
    Site.objects.create(group=group, name="staging", enabled=False)
    for pattern in ["localhost", "127.0.0.1"]:
        TrustedDomain.objects.create(group=group, pattern=pattern)
    return group


@pytest.fixture
def other_group() -> Group:
    group = Group.objects.create(public_id=73, name="Other")
    Site.objects.create(group=group, name="production")
    TrustedDomain.objects.create(group=group, pattern="127.0.0.1")
    return group


def _member(username: str, group: Group):
    user = get_user_model().objects.create_user(username=username)  # logs in by cookie
    Membership.objects.create(user=user, group=group)
    return user


@pytest.fixture
def agent(demo_group):
    return _member("agent", demo_group)


@pytest.fixture
def agent2(demo_group):
    return _member("agent2", demo_group)


@pytest.fixture
def outsider(other_group):
    """An agent, but of group 73 only."""
    return _member("outsider", other_group)


def session_cookie(user) -> str:
    """The `cookie` header of a browser in which `user` has logged in."""
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


@pytest.fixture
async def open_socket() -> AsyncIterator[Callable[..., Awaitable[Socket]]]:
    """Connect a WebSocket to the application; every socket still open is closed at the end.

    Closing waits for the consumer to finish, so a consumer that crashed fails the test.
    """
    opened: list[Socket] = []

    async def open_(
        path: str, headers: list[tuple[bytes, bytes]] | None = None, *, must_accept: bool = True
    ) -> Socket:
        socket = WebsocketCommunicator(application, path, headers=headers or [])
        opened.append(socket)
        socket.accepted, _ = await socket.connect(timeout=TIMEOUT)
        assert socket.accepted or not must_accept, f"{path} refused the handshake"
        return socket

    yield open_
    for socket in reversed(opened):
        if not socket.future.done():
            await socket.disconnect(timeout=CLOSE_TIMEOUT)
        elif not socket.future.cancelled():  # cancelled: a receive timed out, already failed
            socket.future.result()


@pytest.fixture
def visitor_socket(open_socket) -> Callable[..., Awaitable[Socket]]:
    """A visitor page's socket for group `group`, opened from `origin` (None: no header)."""

    async def open_(group: int = 72, origin: str | None = ORIGIN) -> Socket:
        headers = [(b"user-agent", b"TestBrowser/1.0")]
        if origin is not None:
            headers.append((b"origin", origin.encode()))
        return await open_socket(f"/ws/visitor/{group}/", headers)

    return open_


AGENT_ORIGIN = "http://testserver"  # Tandem's own pages, where the agent is logged in


async def _agent_headers(user, origin: str) -> list[tuple[bytes, bytes]]:
    headers = [(b"host", b"testserver"), (b"origin", origin.encode())]
    if user is not None:
        cookie = await sync_to_async(session_cookie)(user)
        headers.append((b"cookie", cookie.encode()))
    return headers


@pytest.fixture
def agent_socket(open_socket) -> Callable[..., Awaitable[Socket]]:
    """An agent's viewer socket on session `key`, logged in as `user` (None: anonymous),
    opened by a page of `origin`; a foreign origin's handshake may be refused."""

    async def open_(key: str, user=None, origin: str = AGENT_ORIGIN) -> Socket:
        headers = await _agent_headers(user, origin)
        path = f"/ws/agent/session/{key}/"
        return await open_socket(path, headers, must_accept=origin == AGENT_ORIGIN)

    return open_


@pytest.fixture
def dashboard_socket(open_socket) -> Callable[..., Awaitable[Socket]]:
    """An agent's dashboard socket, logged in as `user` (None: anonymous), opened by a page
    of `origin`; a foreign origin's handshake may be refused. A logged-in agent's first
    frame, its availability, is read here: `socket.available`."""

    async def open_(user=None, origin: str = AGENT_ORIGIN) -> Socket:
        headers = await _agent_headers(user, origin)
        socket = await open_socket(
            "/ws/agent/dashboard/", headers, must_accept=origin == AGENT_ORIGIN
        )
        if user is not None and origin == AGENT_ORIGIN:
            # A logged-in agent's dashboard opens with the agent's availability.
            frame = await receive(socket)
            assert frame["t"] == "availability", frame
            socket.available = frame["available"]
        return socket

    return open_


# Helpers that read like what the user does and sees.


async def send(socket: Socket, frame: dict | list | str) -> None:
    """Send a frame: a dict or list as JSON, a str as it is."""
    text = frame if isinstance(frame, str) else json.dumps(frame)
    # The communicator refuses an empty text frame; a browser can send one.
    await socket.send_input({"type": "websocket.receive", "text": text})


async def receive(socket: Socket) -> dict:
    try:
        return await socket.receive_json_from(timeout=TIMEOUT)
    except TimeoutError:
        raise AssertionError(f"no frame arrived within {TIMEOUT}s") from None


async def receive_text(socket: Socket) -> str:
    """The next frame exactly as it crossed the wire."""
    try:
        return await socket.receive_from(timeout=TIMEOUT)
    except TimeoutError:
        raise AssertionError(f"no frame arrived within {TIMEOUT}s") from None


async def receive_error(socket: Socket) -> str:
    """The code of the error frame the socket receives next; its message is human text."""
    frame = await receive(socket)
    assert frame["t"] == "error", frame
    assert set(frame) == {"t", "code", "msg"}, frame
    assert isinstance(frame["msg"], str) and frame["msg"], frame
    return frame["code"]


async def agents_count(socket: Socket) -> int:
    """The count of the `agents` frame the socket receives next; a join or leave also says
    which viewer ({index, name, joined}), as Surfly's viewer_joined/left need, and a
    visitor's frame who watches now (`names`, for its panel)."""
    frame = await receive(socket)
    assert frame["t"] == "agents", frame
    assert set(frame) <= {"t", "count", "names", "viewer"}, frame
    if "viewer" in frame:
        viewer = frame["viewer"]
        assert set(viewer) == {"index", "name", "joined"} and viewer["index"] >= 1, frame
    return frame["count"]


async def close_code(socket: Socket) -> int:
    """The code the server closed the socket with; fails if it sends anything else first."""
    try:
        output = await socket.receive_output(timeout=TIMEOUT)
    except TimeoutError:
        raise AssertionError(f"the socket was not closed within {TIMEOUT}s") from None
    assert output["type"] == "websocket.close", output
    return output.get("code", 1000)


async def nothing(socket: Socket) -> bool:
    return await socket.receive_nothing(timeout=0.1)


async def refused_for_origin(socket: Socket) -> bool:
    """True when the socket was turned away for its origin: a refused handshake, or an
    `origin` error frame and close code 4403 as visitor sockets get."""
    if not socket.accepted:
        return True
    frame = await receive(socket)
    assert frame["t"] == "error" and frame["code"] == "origin", frame
    assert await close_code(socket) == 4403
    return True


async def start_session(
    visitor: Socket, *, site: str = "production", key: str | None = None
) -> str:
    """Start a session on a visitor socket; returns its key."""
    frame: dict = {"t": "start", "site": site}
    if key is not None:
        frame["key"] = key
    await send(visitor, frame)
    started = await receive(visitor)
    assert started["t"] == "started", started
    return started["key"]


async def join(open_agent, visitor: Socket, key: str, user) -> tuple[Socket, str]:
    """`user` opens the viewer of `key` (with the `agent_socket` fixture, `open_agent`):
    returns the agent's socket and the snapshot request id the visitor received for it.
    Frames to other agents of the session are left unread."""
    agent = await open_agent(key, user)
    joined = await receive(agent)
    assert joined["t"] == "joined", joined
    count = joined["agents"]
    assert await agents_count(agent) == count
    assert await agents_count(visitor) == count
    request = await receive(visitor)
    assert request["t"] == "snapshot" and len(request["to"]) == 1, request
    return agent, request["to"][0]


async def watching(open_visitor, open_agent, user) -> tuple[Socket, Socket, str]:
    """A visitor page (the `visitor_socket` fixture, `open_visitor`) starts a session and
    `user` opens its viewer: returns the visitor's socket, the viewer and the session key."""
    visitor = await open_visitor()
    key = await start_session(visitor)
    viewer, _ = await join(open_agent, visitor, key, user)
    return visitor, viewer, key


async def latest_session(key: str) -> CobrowseSession:
    """The most recent session that used `key` (keys are reused once a session ends)."""
    session = await CobrowseSession.objects.filter(key=key).order_by("-id").afirst()
    assert session is not None, f"no session {key}"
    return session


async def timeline(key: str) -> list[tuple[str, str]]:
    """(type, actor) of each event on the timeline of the latest session `key`."""
    session = await latest_session(key)
    return [(e.type, e.actor) async for e in SessionEvent.objects.filter(session=session)]
