"""Shared fixtures: a real Tandem server (daphne) and one Chromium per test session.

Browser tests talk to the server only over HTTP and WebSockets, as users do.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from cobrowse import sockets
from tests.servers import (
    Server,
    launch_chromium,
    prepare_database,
    server_env,
    start_server,
    stop_server,
)

PAGES = Path(__file__).resolve().parent / "browser" / "pages"


@pytest.fixture(autouse=True)
def sent_frames_are_declared() -> Iterator[None]:
    """Every frame a consumer sends in a test agrees with cobrowse/protocol.py."""
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


class _PagesHandler(SimpleHTTPRequestHandler):
    """Serves tests/browser/pages with {{TANDEM}} replaced by the Tandem server's URL."""

    tandem = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=str(PAGES), **kwargs)

    def do_GET(self) -> None:
        path = PAGES / self.path.lstrip("/").split("?")[0]
        if path.suffix != ".html" or not path.is_file():
            return super().do_GET()
        body = path.read_text().replace("{{TANDEM}}", self.tandem).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args) -> None:
        pass


@contextmanager
def _serve_pages(host: str, tandem: str) -> Iterator[str]:
    """tests/browser/pages on a free port of `host` (a loopback address), as an origin URL."""
    handler = type("Handler", (_PagesHandler,), {"tandem": tandem})
    httpd = ThreadingHTTPServer((host, 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="session")
def pages_url(server: Server) -> Iterator[str]:
    """Test pages on another port of 127.0.0.1: a trusted domain that is not Tandem itself."""
    with _serve_pages("127.0.0.1", server.url) as url:
        yield url


@pytest.fixture(scope="session")
def other_pages_url(server: Server) -> Iterator[str]:
    """The same pages on a third port of 127.0.0.1: another origin, trusted by the demo group
    (its pattern `127.0.0.1` allows any port), e.g. a chat window beside the visitor page."""
    with _serve_pages("127.0.0.1", server.url) as url:
        yield url


@pytest.fixture(scope="session")
def untrusted_pages_url(server: Server) -> Iterator[str]:
    """The same pages on 127.0.0.2 (still loopback), a host no test group trusts."""
    with _serve_pages("127.0.0.2", server.url) as url:
        yield url


@pytest.fixture(scope="session")
def serve_pages():
    """`serve_pages(host, tandem_url)`: the test pages for a server a test starts itself."""
    return _serve_pages


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()
