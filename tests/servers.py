"""Starting real Tandem servers (daphne subprocesses) for browser tests and benchmarks.

Each server runs on its own SQLite file (or a shared one, for several processes on one
Redis), seeded with the demo group 72 and its agent, a second agent of group 72, and an
outsider who is an agent of another group (73, whose one-click co-browse starts without
asking the visitor). Only 127.0.0.1 is ever used.
"""

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "browser-test-pass"
SECRET_KEY = "test-servers-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"

SEED = f"""
from django.contrib.auth import get_user_model
from agents.models import Membership
from cobrowse.models import Group, Site, TrustedDomain
User = get_user_model()
demo = Group.objects.get(public_id=72)
other, _ = Group.objects.get_or_create(public_id=73, defaults={{"name": "Other"}})
Site.objects.get_or_create(group=other, name="production")
TrustedDomain.objects.get_or_create(group=other, pattern="127.0.0.1")
# Group 73 lets agents start one-click sessions without asking the visitor first.
Group.objects.filter(id=other.id).update(one_click_consent=False)
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
        [daphne, "-b", "127.0.0.1", "-p", str(port), "tandem.asgi:application"],
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
        "DJANGO_SETTINGS_MODULE": "tandem.settings",
        "DEBUG": "0",
        # With DEBUG off, as in production, the server refuses to start without a key.
        "SECRET_KEY": SECRET_KEY,
        # Every test client comes from 127.0.0.1: per-address limits only where a test
        # sets them.
        "TANDEM_CLIENT_MAX_SOCKETS": "0",
        # The demo site, which the browser tests visit, with DEBUG off.
        "TANDEM_DEMO_PAGES": "1",
        "TANDEM_CLIENT_SESSION_STARTS_PER_MINUTE": "0",
        # The asset proxy fetches from the test sites on 127.0.0.1 (loopback).
        "TANDEM_ASSET_ALLOW_PRIVATE": "1",
        # A presence page that goes away stays online this long for its next page: long
        # enough for a page of the test sites to load, short enough that a closed one
        # leaves within an expect's wait.
        "TANDEM_PRESENCE_LEAVE_GRACE_SECONDS": "3",
        **extra,
    }
    return env


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
    # Screen share tests: a fake camera and a fake screen (getUserMedia, getDisplayMedia)
    # without permission prompts or pickers; headless Chromium needs nothing more.
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
]


def launch_chromium(playwright):
    """Debian's Chromium, never a downloaded browser."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


PAGES = Path(__file__).resolve().parent / "browser" / "pages"
# Front-end libraries the test pages use, served from node_modules under /npm/<package>/.
NPM_PACKAGES = (
    "chart.js",
    "katex",
    "reveal.js",
    "leaflet",
    "mermaid",
    "@shoelace-style/shoelace",
    "@emotion/css",
    "quill",
    "swagger-ui-dist",
    "@fontsource/roboto-slab",
)
NODE_MODULES = Path(__file__).resolve().parent.parent / "node_modules"


class PagesHandler(SimpleHTTPRequestHandler):
    """Serves tests/browser/pages with {{TANDEM}} replaced by the Tandem server's URL."""

    tandem = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=str(PAGES), **kwargs)

    def translate_path(self, path: str) -> str:
        parts = path.split("?")[0].lstrip("/").split("/")
        # /npm/<package>/<file...>; a scoped package's name has two parts (@scope/name).
        size = 2 if len(parts) > 1 and parts[1].startswith("@") else 1
        package = "/".join(parts[1 : 1 + size])
        inside = len(parts) > 1 + size and ".." not in parts
        if parts[0] == "npm" and package in NPM_PACKAGES and inside:
            return str(NODE_MODULES.joinpath(*parts[1:]))
        return super().translate_path(path)

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
def pages_server(host: str, tandem: str) -> Iterator[str]:
    """tests/browser/pages on a free port of `host` (a loopback address), as an origin URL."""
    handler = type("Handler", (PagesHandler,), {"tandem": tandem})
    httpd = ThreadingHTTPServer((host, 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
