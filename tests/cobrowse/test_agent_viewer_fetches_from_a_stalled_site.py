"""A visitor's site that stalls holds up only the fetches from it: the proxy's fetches run
on threads of their own, so the process's heartbeat and name lookups (the event loop's
default threads) go on, and one fetch per stalled request is in flight at once."""

import asyncio
import itertools
import threading
from urllib.parse import quote

import pytest
from asgiref.sync import sync_to_async
from asgiref.testing import ApplicationCommunicator
from django.conf import settings
from django.core.handlers.asgi import ASGIHandler
from django.test import Client

from cobrowse import asset_proxy
from cobrowse.models import CobrowseSession
from tests.sites import Reply, serve_site

pytestmark = pytest.mark.django_db(transaction=True)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
DEADLINE = 20


@pytest.fixture
def gate():
    released = threading.Event()
    yield released
    released.set()


@pytest.fixture
def stalled_site(gate):
    with serve_site({"/slow.png": Reply(PNG, "image/png", gate=gate)}) as site:
        yield site


async def get(path_and_query: str, *, cookie: str) -> int:
    """GET through Django's ASGI application, as daphne calls it (a thread-sensitive
    context per request); the response's status."""
    path, _, query = path_and_query.partition("?")
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
        "query_string": query.encode(), "server": ("testserver", 80),
        "client": ("127.0.0.1", 50000),
        "headers": [(b"host", b"testserver"), (b"cookie", cookie.encode())],
    }  # fmt: skip
    app = ApplicationCommunicator(ASGIHandler(), scope)
    await app.send_input({"type": "http.request", "body": b""})
    start = await app.receive_output(timeout=DEADLINE * 3)
    await app.wait(timeout=DEADLINE)
    return start["status"]


def logged_in_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


async def until(condition) -> None:
    """Poll `condition` until it holds; fail after DEADLINE seconds."""
    async with asyncio.timeout(DEADLINE):
        for _ in itertools.count():
            if condition():
                return
            await asyncio.sleep(0.02)


async def test_a_stalled_site_leaves_the_event_loops_own_threads_free(
    agent, demo_group, stalled_site, gate, monkeypatch
):
    monkeypatch.setattr(asset_proxy, "resolve", lambda host, port: ["127.0.0.1"])
    session = await CobrowseSession.objects.acreate(
        group=demo_group, site=await demo_group.sites.aget(name="production"), key="123456"
    )
    cookie = await sync_to_async(logged_in_cookie)(agent)
    base = await sync_to_async(asset_proxy.asset_base)(session_id=session.pk, user_id=agent.pk)
    # More stalled fetches than the event loop has default threads (min(32, CPUs + 4)).
    stalled = 12
    fetches = [
        asyncio.create_task(
            get(f"{base}&u={quote(f'{stalled_site.url}/slow.png?{n}', safe='')}", cookie=cookie)
        )
        for n in range(stalled)
    ]

    await until(lambda: len(stalled_site.requests) == stalled)
    assert await asyncio.wait_for(asyncio.to_thread(lambda: "free"), DEADLINE) == "free"

    gate.set()
    responses = await asyncio.gather(*fetches)
    assert responses == [200] * stalled
