"""An agent logged in through the login page, with a viewer and a dashboard open: what the
sign-out, deactivation and membership-removal tests start from."""

from dataclasses import dataclass

from asgiref.sync import sync_to_async
from django.conf import settings
from django.test import Client

from tests.fixtures import AGENT_ORIGIN, Socket, close_code, join, receive, start_session

MAX_SKIPPED = 20  # news frames passed over while waiting for the refusal


@dataclass
class Agent:
    client: Client  # the agent's browser: its login cookie and its HTTP requests
    headers: list[tuple[bytes, bytes]]  # its sockets' handshake, cookie included
    key: str  # the session it watches
    viewer: Socket
    dashboard: Socket


def _log_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


async def agent_at_work(user, *, open_socket, visitor: Socket) -> Agent:
    """`user` logs in, watches the session the visitor starts, and opens its dashboard."""
    client = await sync_to_async(_log_in)(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    headers = [(b"host", b"testserver"), (b"origin", AGENT_ORIGIN.encode())]
    headers.append((b"cookie", cookie.encode()))

    async def open_viewer(key: str, _user) -> Socket:
        return await open_socket(f"/ws/agent/session/{key}/", headers)

    key = await start_session(visitor)
    viewer, _ = await join(open_viewer, visitor, key, user)
    dashboard = await open_socket("/ws/agent/dashboard/", headers)
    for kind in ("availability", "sessions", "visitors"):
        assert (await receive(dashboard))["t"] == kind
    return Agent(client=client, headers=headers, key=key, viewer=viewer, dashboard=dashboard)


async def closed_with(socket: Socket) -> tuple[str, int]:
    """The error code a socket is refused with, passing over the news frames before it, and
    the close code that follows."""
    for _ in range(MAX_SKIPPED):
        frame = await receive(socket)
        if frame["t"] == "error":
            return frame["code"], await close_code(socket)
    raise AssertionError(f"no error frame among the next {MAX_SKIPPED}")
