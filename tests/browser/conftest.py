"""Browser fixtures: visitor pages with a tap on every frame they send, and agent viewers."""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import BrowserContext, FrameLocator, Page, WebSocketRoute

from tests.servers import PASSWORD, Server

START_SESSION = """(key) => new Promise((resolve, reject) => {
  const visitor = GLANCE.Cobrowse.Visitor;
  visitor.addEventListener("sessionstart", () => resolve(visitor.getKey()));
  visitor.addEventListener("error", (e) => reject(new Error(e.code + ": " + e.msg)));
  visitor.startSession(key ? { sessionKey: key } : undefined);
})"""


@dataclass
class Visitor:
    page: Page
    sent: list[str] = field(default_factory=list)

    def start(self, key: str | None = None) -> str:
        return self.page.evaluate(START_SESSION, key)

    def sent_text(self) -> str:
        return "\n".join(self.sent)


@pytest.fixture
def new_context(browser) -> Iterator[Callable[..., BrowserContext]]:
    contexts: list[BrowserContext] = []

    def make(**options) -> BrowserContext:
        context = browser.new_context(**options)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def open_visitor(new_context) -> Callable[..., Visitor]:
    """A visitor tab whose every WebSocket frame sent is recorded, as the server saw it."""

    def open_(url: str, viewport: dict | None = None) -> Visitor:
        page = new_context(viewport=viewport or {"width": 1024, "height": 700}).new_page()
        visitor = Visitor(page=page)
        page.on(
            "websocket",
            lambda ws: ws.on("framesent", lambda payload: visitor.sent.append(str(payload))),
        )
        page.goto(url)
        return visitor

    return open_


def log_in(page: Page, server: Server, username: str = "agent") -> None:
    page.goto(f"{server.url}/accounts/login/?next=/agent/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/agent/")


@pytest.fixture
def open_viewer(new_context, server) -> Callable[..., Page]:
    """An agent, logged in, watching session `key` in the live viewer."""

    def open_(key: str, username: str = "agent", viewport: dict | None = None) -> Page:
        page = new_context(viewport=viewport or {"width": 1200, "height": 800}).new_page()
        log_in(page, server, username)
        page.fill("input[name=key]", key)
        page.click(".join button")
        page.wait_for_selector("#viewer[data-state=live]")
        return page

    return open_


def wait_for_event(page: Page, name: str, payload=None) -> None:
    """Wait until the test page's `window.seen` log has event `name` (with `payload`, when
    one is given): the pages under tests/browser/pages record the visitor events so."""
    page.wait_for_function(
        """([name, payload]) => window.seen.some(([seen, value]) => seen === name
             && (payload === null || JSON.stringify(value) === JSON.stringify(payload)))""",
        arg=[name, payload],
    )


def replay(viewer: Page) -> FrameLocator:
    """The mirrored page inside the agent's viewer."""
    return viewer.frame_locator("#viewer .stage iframe")


class SocketSwitch:
    """Stands between the visitor page and Tandem: lets sockets through, cuts them, or
    refuses new ones, as a flaky network would."""

    def __init__(self, page: Page) -> None:
        self.open: list[WebSocketRoute] = []
        self.allow = True
        page.route_web_socket(re.compile(r".*/ws/visitor/.*"), self.handle)

    def handle(self, route: WebSocketRoute) -> None:
        if not self.allow:
            route.close(code=1006, reason="network down")
            return
        route.connect_to_server()
        self.open.append(route)

    def cut(self) -> None:
        """The network goes down: every open socket drops, new ones fail."""
        self.allow = False
        for route in self.open:
            route.close(code=1006, reason="network down")
        self.open.clear()
