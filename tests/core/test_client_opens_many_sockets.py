"""One client address may hold only so many sockets open and start only so many sessions a
minute; a proxy's address header counts only when the operator named it."""

import time
from types import SimpleNamespace

import pytest
from channels.testing import WebsocketCommunicator
from django.test import override_settings

from core import limits
from core.protocol import CloseCode
from tandem.asgi import application
from tests.fixtures import (
    CLOSE_TIMEOUT,
    ORIGIN,
    TIMEOUT,
    close_code,
    receive,
    receive_error,
    send,
    start_session,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
async def page_socket():
    """A visitor page's socket from the client `address` (the TCP peer), with an optional
    X-Forwarded-For header; every one still open is closed at the end."""
    opened: list[WebsocketCommunicator] = []

    async def open_(address: str = "203.0.113.5", forwarded: str | None = None):
        headers = [(b"origin", ORIGIN.encode())]
        if forwarded is not None:
            headers.append((b"x-forwarded-for", forwarded.encode()))
        socket = WebsocketCommunicator(application, "/ws/visitor/72/", headers=headers)
        socket.scope["client"] = [address, 50000]
        opened.append(socket)
        connected, _ = await socket.connect(timeout=TIMEOUT)
        assert connected
        return socket

    yield open_
    for socket in opened:
        if not socket.future.done():
            await socket.disconnect(timeout=CLOSE_TIMEOUT)


async def refused_as_too_many(socket) -> bool:
    return (
        await receive_error(socket) == "rate_limited"
        and await close_code(socket) == CloseCode.RATE_LIMITED
    )


@override_settings(TANDEM_CLIENT_MAX_SOCKETS=2)
async def test_one_address_may_hold_only_so_many_sockets_open(demo_group, page_socket):
    first = await page_socket()
    await page_socket()

    assert await refused_as_too_many(await page_socket())
    assert await start_session(await page_socket(address="198.51.100.7"))  # another client

    await first.disconnect()
    assert await start_session(await page_socket())  # its closed socket no longer counts


@override_settings(TANDEM_CLIENT_MAX_SOCKETS=2)
async def test_a_forwarded_for_header_is_not_believed_unless_configured(demo_group, page_socket):
    await page_socket(forwarded="192.0.2.1")
    await page_socket(forwarded="192.0.2.2")

    assert await refused_as_too_many(await page_socket(forwarded="192.0.2.3"))


@override_settings(TANDEM_CLIENT_MAX_SOCKETS=2, TANDEM_CLIENT_IP_HEADER="X-Forwarded-For")
async def test_behind_a_configured_proxy_the_address_it_saw_counts(demo_group, page_socket):
    proxy = "10.0.0.9"
    # The client may prepend anything; the proxy appends the address it saw.
    await page_socket(proxy, forwarded="1.2.3.4, 192.0.2.1")
    await page_socket(proxy, forwarded="5.6.7.8, 192.0.2.1")

    assert await refused_as_too_many(await page_socket(proxy, forwarded="192.0.2.1"))
    assert await start_session(await page_socket(proxy, forwarded="192.0.2.1, 192.0.2.2"))


@override_settings(TANDEM_CLIENT_SESSION_STARTS_PER_MINUTE=2)
async def test_one_address_may_start_only_so_many_sessions_a_minute(
    demo_group, page_socket, monkeypatch
):
    clock = SimpleNamespace(time=lambda: 1_900_000_000.0, monotonic=time.monotonic)
    monkeypatch.setattr(limits, "time", clock)
    for _ in range(2):
        visitor = await page_socket()
        await start_session(visitor)
        await send(visitor, {"t": "stop"})
        assert (await receive(visitor))["t"] == "ended"

    visitor = await page_socket()
    await send(visitor, {"t": "start", "site": "production"})

    assert await refused_as_too_many(visitor)
    assert await start_session(await page_socket(address="198.51.100.7"))
    clock.time = lambda: 1_900_000_060.0  # the next minute
    assert await start_session(await page_socket())
