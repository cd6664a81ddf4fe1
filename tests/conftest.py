"""Shared fixtures: a real Tandem server (daphne) and one Chromium per test session.

Browser tests talk to the server only over HTTP and WebSockets, as users do.
"""

import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.servers import (
    Server,
    launch_chromium,
    prepare_database,
    server_env,
    start_server,
    stop_server,
)

PAGES = Path(__file__).resolve().parent / "browser" / "pages"


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


@pytest.fixture(scope="session")
def pages_url(server: Server) -> Iterator[str]:
    """Test pages on another port of 127.0.0.1: a trusted domain that is not Tandem itself."""
    handler = type("Handler", (_PagesHandler,), {"tandem": server.url})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()
