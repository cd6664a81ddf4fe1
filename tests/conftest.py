"""Shared fixtures: a real Tandem server (daphne) and one Chromium per test session.

Browser tests talk to the server only over HTTP and WebSockets, as users do.
"""

from collections.abc import Iterator

import pytest

from core import sockets
from tests.servers import (
    Server,
    launch_chromium,
    pages_server,
    prepare_database,
    server_env,
    start_server,
    stop_server,
)


@pytest.fixture(autouse=True)
def sent_frames_are_declared() -> Iterator[None]:
    """Every frame a consumer sends in a test agrees with core/protocol.py."""
    sockets.sent_frame_problems = []
    yield
    problems, sockets.sent_frame_problems = sockets.sent_frame_problems, None
    assert not problems, "frames sent that the protocol does not declare: " + "; ".join(
        sorted(set(problems))
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that drive Chromium run last, in their usual order.

    Playwright's sync API leaves its event loop marked as running on the main thread for
    as long as the shared browser is open, and pytest-asyncio cannot start a test's loop
    under it; so every coroutine test runs before the browser starts.
    """
    items.sort(key=lambda item: "browser" in getattr(item, "fixturenames", ()))


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("server")
    env = server_env(tmp)
    prepare_database(env)
    running = start_server(env, tmp / "daphne.log")
    yield running
    stop_server(running)


@pytest.fixture(scope="session")
def pages_url(server: Server) -> Iterator[str]:
    """Test pages on another port of 127.0.0.1: a trusted domain that is not Tandem itself."""
    with pages_server("127.0.0.1", server.url) as url:
        yield url


@pytest.fixture(scope="session")
def other_pages_url(server: Server) -> Iterator[str]:
    """The same pages on a third port of 127.0.0.1: another origin, trusted by the demo group
    (its pattern `127.0.0.1` allows any port), e.g. a chat window beside the visitor page."""
    with pages_server("127.0.0.1", server.url) as url:
        yield url


@pytest.fixture(scope="session")
def untrusted_pages_url(server: Server) -> Iterator[str]:
    """The same pages on 127.0.0.2 (still loopback), a host no test group trusts."""
    with pages_server("127.0.0.2", server.url) as url:
        yield url


@pytest.fixture(scope="session")
def serve_pages():
    """`serve_pages(host, tandem_url)`: the test pages for a server a test starts itself."""
    return pages_server


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()
