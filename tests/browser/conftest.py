"""Browser fixtures: visitor pages with a tap on every frame they send, and agent viewers."""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import BrowserContext, Frame, FrameLocator, Page, WebSocketRoute, expect

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
    received: list[str] = field(default_factory=list)

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
    """A visitor tab whose every WebSocket frame sent (as the server saw it) and received
    is recorded, from its first socket on."""

    def open_(url: str, viewport: dict | None = None) -> Visitor:
        page = new_context(viewport=viewport or {"width": 1024, "height": 700}).new_page()
        visitor = Visitor(page=page)

        def tap(ws) -> None:
            ws.on("framesent", lambda payload: visitor.sent.append(str(payload)))
            ws.on("framereceived", lambda payload: visitor.received.append(str(payload)))

        page.on("websocket", tap)
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


def ask_for_control(viewer: Page, visitor_page: Page) -> None:
    """The agent of `viewer` asks for control and the visitor accepts in the page's own
    consent prompt (the test pages keep it as `window.consent`)."""
    visitor_page.evaluate("window.consent = null")
    viewer.get_by_role("button", name="Request control").click()
    visitor_page.wait_for_function("() => window.consent !== null")
    visitor_page.evaluate("window.consent.accept()")


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


# site_connect pages (tests/browser/pages/siteconnect*.html) and the agent on the other end.

FRAME_URL = re.compile(r"/cobrowse/site-connect/frame/\?")
SEEN = """([topic, msg]) => window.seen.some(([filter, seen, value]) => seen === topic
            && (msg === null || JSON.stringify(value) === JSON.stringify(msg)))"""
IN_SESSION = "() => GLANCE.Cobrowse.Visitor.inSession()"


def wait_seen(page: Page, topic: str, msg: object = None) -> None:
    """Until a subscription of the page (window.seen) got `topic` (with `msg`, if given)."""
    page.wait_for_function(SEEN, arg=[topic, msg])


def seen(page: Page, topic: str) -> list:
    """The messages of `topic` the page's `~/site_connect/#` or `~pagesession/#` got."""
    return [
        msg
        for filter_, got, msg in page.evaluate("window.seen")
        if got == topic and filter_ in ("~/site_connect/#", "~pagesession/#")
    ]


def ready_code(page: Page) -> str:
    wait_seen(page, "~/site_connect/ready")
    [ready] = seen(page, "~/site_connect/ready")
    return ready["code"]


def site_connect_frame(page: Page) -> Frame:
    frame = page.frame(url=FRAME_URL)
    assert frame is not None
    return frame


def dashboard(new_context, server, username: str = "agent", **options) -> Page:
    """The dashboard of `username`, logged in, once it lists the sessions; `options` go to
    the browser context."""
    page = new_context(**options).new_page()
    log_in(page, server, username)
    expect(page.locator("#sessions")).to_have_attribute("data-ready", "true")
    return page


def visitor_row(agent: Page, code: str):
    """The visitor of contact code `code` in the dashboard's live list of visitors."""
    return agent.locator(f"#visitors tr[data-visitor='72:{code}']")


def find_visitor(agent: Page, code: str):
    """The agent looks the code up, as one read out on the phone."""
    find = agent.locator("#find-visitor")
    find.get_by_label("Visitor id or code").fill(code)
    find.get_by_role("button", name="Find").click()
    return agent.locator(f"#found-visitor tr[data-visitor='72:{code}']")


def cobrowse_by_code(agent: Page, code: str, page: Page) -> str:
    """The agent finds the visitor by the code it read out and clicks Co-browse; the
    visitor accepts in the page's own consent prompt."""
    find_visitor(agent, code).get_by_role("button", name=f"Co-browse with {code}").click()
    page.wait_for_function("() => window.confirmations.length > 0")
    page.evaluate("window.confirmations.at(-1).accept()")
    agent.wait_for_url(re.compile(r"/agent/session/\d{6}/(\?group=\d+)?$"))
    expect(agent.locator("#viewer")).to_have_attribute("data-state", "live")
    return re.search(r"/agent/session/(\d{6})/", agent.url).group(1)


@pytest.fixture
def site_connect_page(server, pages_url, open_visitor) -> Callable[[], Page]:
    """The integrator's page, tests/browser/pages/siteconnect.html."""

    def open_() -> Page:
        return open_visitor(f"{pages_url}/siteconnect.html").page

    return open_


@pytest.fixture
def available_agent(new_context, server):
    """A dashboard whose agent is Available; set back to Away afterwards (the choice outlives
    its dashboards, and other tests expect nobody to be available)."""
    pages: list[Page] = []

    def open_() -> Page:
        agent = dashboard(new_context, server)
        switch = agent.get_by_label("Available")
        expect(switch).to_be_enabled()
        pages.append(agent)
        return agent

    yield open_
    again = new_context().new_page()
    log_in(again, server)
    switch = again.get_by_label("Available")
    expect(switch).to_be_enabled()
    if switch.is_checked():
        switch.uncheck()
        expect(again.locator("#availability-status")).to_contain_text("Away")
    again.close()


def frame_element(page: Page):
    return page.locator("iframe[data-site-connect-frame]")


# The default visitor UI (tests/browser/pages/ui.html and the demo shop).

RECORD_EVENTS = """() => {
  window.seen = [];
  for (const name of ["sessionstarting", "sessionstart", "agents", "sessionend", "error"]) {
    GLANCE.Cobrowse.Visitor.addEventListener(name, (payload) => {
      window.seen.push([name, payload ?? null]);
    });
  }
}"""

TERMS_TITLE = "Let an agent see this page?"


def events_seen(page: Page) -> list[str]:
    """The names of the visitor events the page got since RECORD_EVENTS ran."""
    return [name for name, _ in page.evaluate("window.seen")]


def panel(page: Page):
    return page.get_by_role("region", name="Co-browsing")


def open_terms_with_keyboard(page: Page):
    page.locator("#help").focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name=TERMS_TITLE)
    expect(dialog).to_be_visible()
    return dialog


STAND_IN_UI = """async (url) => {
  const { createVisitorUi } = await import(url);
  window.calls = [];
  window.active = true;
  window.ui = createVisitorUi({
    startSession: () => calls.push("startSession"),
    stopSession: () => calls.push("stopSession"),
    inSession: () => window.active,
    getKey: () => "123456",
    addEventListener: () => {},
  });
  ui.handle("sessionstart");
  window.requestControl = () => ui.handle("rcrequested", {
    accept: () => calls.push("accept"),
    decline: () => calls.push("decline"),
  });
}"""
RC_TITLE = "Let the agent control this page?"


def stand_in_ui(server, pages_url, new_context) -> Page:
    """The UI's own behaviour in any state, driven through its bundle with a stand-in for
    GLANCE.Cobrowse.Visitor on a page without the default UI (other tests drive the same
    states through a real session, agent and network)."""
    page = new_context().new_page()
    page.goto(f"{pages_url}/custom-ui.html")
    page.evaluate(STAND_IN_UI, f"{server.url}/static/ui.js")
    expect(panel(page)).to_contain_text("123456")
    return page


# Screen share, camera and reverse sessions: two Chromium contexts with Chromium's fake
# camera and fake screen (tests/servers.py), WebRTC between the agent's viewer and the view
# iframe in the visitor's page.

VIEW_URL = re.compile(r".*/cobrowse/view/\?.*")

# Frames shown by the <video> of a view, and its picture's width (0 until video arrives).
PLAYING = """([after]) => {
  const video = document.getElementById('video');
  return video.videoWidth > 0 && video.getVideoPlaybackQuality().totalVideoFrames > after;
}"""
SHOWN_FRAMES = "() => document.getElementById('video').getVideoPlaybackQuality().totalVideoFrames"


def events(page: Page, name: str) -> list:
    return [payload for seen, payload in page.evaluate("window.seen") if seen == name]


def sharing(open_visitor, open_viewer, url: str) -> tuple[Visitor, Page]:
    visitor = open_visitor(url)
    key = visitor.start()
    viewer = open_viewer(key)
    return visitor, viewer


def share(viewer: Page, button: str = "Share screen") -> None:
    viewer.get_by_role("button", name=button).click()
    expect(viewer.locator("#viewer")).to_have_attribute("data-share", "connected")
    expect(viewer.locator(".share-status")).to_contain_text("the visitor's view is connected")


def view_frame(page: Page, view: str = "glance_screenshare") -> Frame:
    """The view iframe of `view` in the visitor's page, once it shows Tandem's view page."""
    iframe = page.locator(f"iframe#{view}")
    expect(iframe).to_have_attribute("src", VIEW_URL)
    frame = iframe.element_handle().content_frame()
    assert frame is not None
    frame.wait_for_url(VIEW_URL)
    return frame


def wait_playing(frame: Frame) -> None:
    """The video has a picture and its frames advance."""
    frame.wait_for_function(PLAYING, arg=[0])
    shown = frame.evaluate(SHOWN_FRAMES)
    frame.wait_for_function(PLAYING, arg=[shown + 5])


def mirror_frames(visitor: Visitor) -> str:
    """Everything the visitor's page sent for the mirror (rrweb events and snapshots)."""
    return "\n".join(text for text in visitor.sent if text.startswith(('{"t":"ev"', '{"t":"snap"')))


# A chat window that invokes the visitor API on the visitor's page (glance_invoke).

RECORD_EVENT_NAMES = """() => {
  window.seen = [];
  for (const name of ["sessionstarting", "sessionstart", "sessionend", "error"]) {
    GLANCE.Cobrowse.Visitor.addEventListener(name, () => window.seen.push(name));
  }
}"""

ADD_FRAME = """(url) => new Promise((resolve, reject) => {
  const frame = document.createElement("iframe");
  frame.src = url;
  frame.onload = resolve;
  frame.onerror = reject;
  document.body.append(frame);
})"""

# Run in the chat window; `to` names the visitor's window: "parent" or "opener".
INVOKE = """([to, groupid, origin, func, args]) => {
  GLANCE.Cobrowse.InvokeVisitor.init(window[to], groupid, origin);
  GLANCE.Cobrowse.InvokeVisitor.invoke(func, args);
}"""
POST = """(message) => window.parent.postMessage(message, "*")"""
IGNORED = "[Tandem] ignored a glance_invoke message"


@dataclass
class Scene:
    """A visitor's page with a chat window in an iframe, and what the page logged."""

    visitor: Visitor
    chat: Frame
    visitor_origin: str
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def page(self) -> Page:
        return self.visitor.page

    def invoke(self, func: str, args: object = None, groupid: object = 72) -> None:
        self.chat.evaluate(INVOKE, ["parent", groupid, self.visitor_origin, func, args])

    def expect_ignored(self, reason: str, act: Callable[[], object]) -> str:
        """Do `act` and wait for the page to log that it ignored a message for `reason`."""
        with self.page.expect_console_message(
            lambda message: IGNORED in message.text and reason in message.text
        ) as logged:
            act()
        return logged.value.text

    def start_by_invoke(self, key: str) -> str:
        """A good message after bad ones: once it took effect, the bad ones were handled."""
        self.invoke("startSession", {"sessionKey": key})
        self.page.wait_for_function(IN_SESSION)
        return self.page.evaluate("GLANCE.Cobrowse.Visitor.getKey()")


@pytest.fixture
def visitor_with_chat(server, pages_url, open_visitor) -> Callable[[str], Scene]:
    def open_(chat_base: str) -> Scene:
        visitor = open_visitor(f"{pages_url}/plain.html")
        console: list[str] = []
        errors: list[str] = []
        visitor.page.on("console", lambda message: console.append(message.text))
        visitor.page.on("pageerror", lambda error: errors.append(str(error)))
        visitor.page.evaluate(RECORD_EVENT_NAMES)
        chat_url = f"{chat_base}/chat.html"
        visitor.page.evaluate(ADD_FRAME, chat_url)
        chat = visitor.page.frame(url=chat_url)
        assert chat is not None
        assert chat.evaluate("typeof GLANCE.Cobrowse.InvokeVisitor.invoke") == "function"
        return Scene(visitor, chat, pages_url, console, errors)

    return open_
