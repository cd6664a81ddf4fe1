"""Shared fixtures: a real Tandem server (daphne) and one Chromium per test session.

Browser tests talk to the server only over HTTP and WebSockets, as users do. The server
runs on its own SQLite file, seeded with the demo group 72 and its agent, a second
agent of group 72, and an outsider who is an agent of another group (73).
"""

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = Path(__file__).resolve().parent / "browser" / "pages"
PASSWORD = "browser-test-pass"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
]

SEED = f"""
from django.contrib.auth import get_user_model
from agents.models import Membership
from cobrowse.models import Group, Site, TrustedDomain
User = get_user_model()
demo = Group.objects.get(public_id=72)
other, _ = Group.objects.get_or_create(public_id=73, defaults={{"name": "Other"}})
Site.objects.get_or_create(group=other, name="production")
TrustedDomain.objects.get_or_create(group=other, pattern="127.0.0.1")
for name, group in [("agent2", demo), ("outsider", other)]:
    user, _ = User.objects.get_or_create(username=name)
    user.set_password("{PASSWORD}")
    user.save()
    Membership.objects.get_or_create(user=user, group=group)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(url: str, proc: subprocess.Popen, log: Path, attempts: int = 300) -> None:
    """Poll until the server answers; fail with its log if it exits or never does."""
    for _ in range(attempts):
        if proc.poll() is not None:
            raise RuntimeError(f"server exited:\n{log.read_text()[-3000:]}")
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.05)  # polling a socket that is not listening yet
    raise RuntimeError(f"server never answered at {url}:\n{log.read_text()[-3000:]}")


@dataclass
class Server:
    url: str
    env: dict
    proc: subprocess.Popen
    log: Path


def prepare_database(env: dict) -> None:
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run(
        [*manage, "demo", "--password", PASSWORD],
        env=env,
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    subprocess.run([*manage, "shell", "-c", SEED], env=env, check=True, cwd=ROOT)


def start_server(env: dict, log: Path) -> Server:
    port = free_port()
    daphne = str(Path(sys.executable).parent / "daphne")
    handle = log.open("w")
    proc = subprocess.Popen(
        [daphne, "-b", "127.0.0.1", "-p", str(port), "cobrowse.asgi:application"],
        env=env,
        cwd=ROOT,
        stdout=handle,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    wait_for_http(url + "/demo/", proc, log)
    return Server(url=url, env=env, proc=proc, log=log)


def stop_server(server: Server) -> None:
    server.proc.terminate()
    try:
        server.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.proc.kill()


def server_env(tmp: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env |= {
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "cobrowse.settings",
        "DEBUG": "0",
        **extra,
    }
    return env


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
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
