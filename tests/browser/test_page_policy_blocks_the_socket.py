"""A site whose Content-Security-Policy lets Tandem's scripts in but not its socket: the
visitor hears a conndrop error (Glance's) instead of waiting on "Connecting…" for good."""

import re
import socket
from collections.abc import Iterator

import pytest
from playwright.sync_api import Route, expect

RECORD_EVENTS = """() => {
  window.seen = [];
  for (const name of ["sessionstarting", "sessionstart", "sessionend", "error"]) {
    GLANCE.Cobrowse.Visitor.addEventListener(name, (payload) => {
      window.seen.push([name, payload ?? null]);
    });
  }
}"""


def test_a_socket_the_page_policy_blocks_ends_in_conndrop(server, pages_url, new_context):
    page = new_context().new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(f"{pages_url}/csp-blocked.html")
    page.evaluate(RECORD_EVENTS)

    page.evaluate("GLANCE.Cobrowse.Visitor.startSession()")

    # Well within Glance's 15 s: the policy report ends the attempt at once.
    page.wait_for_function("window.seen.some(([name]) => name === 'error')", timeout=15_000)
    seen = page.evaluate("window.seen")
    assert seen[0] == ["sessionstarting", None]
    assert seen[1][0] == "error" and seen[1][1]["code"] == "conndrop"
    assert "Content-Security-Policy" in seen[1][1]["msg"]
    assert page.evaluate("GLANCE.Cobrowse.Visitor.inSession()") is False
    assert any("connect-src" in text and server.url.split("//")[1] in text for text in console)


def test_the_default_panel_leaves_connecting_when_the_policy_blocks_the_socket(
    server, pages_url, new_context
):
    page = new_context().new_page()
    page.goto(f"{pages_url}/csp-blocked.html")
    page.click("#help")
    page.get_by_role("button", name=re.compile("accept|yes|allow", re.I)).first.click()

    status = page.get_by_role("region", name="Co-browsing")
    expect(status).to_contain_text("Content-Security-Policy", timeout=15_000)
    expect(status.get_by_text("Connecting…")).to_be_hidden()


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that takes TCP connections and never answers the WebSocket handshake, as a
    proxy or firewall that swallows the upgrade does."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    yield listener.getsockname()[1]
    listener.close()


def test_a_socket_that_never_opens_ends_in_conndrop(server, pages_url, new_context, silent_port):
    page = new_context().new_page()
    page.clock.install()

    def to_silent_port(route: Route) -> None:
        body = route.fetch().text()
        host = server.url.removeprefix("http://")
        route.fulfill(
            body=body.replace(
                f"ws://{host}/ws/visitor/", f"ws://127.0.0.1:{silent_port}/ws/visitor/"
            ),
            content_type="text/javascript",
        )

    page.route("**/cobrowse/CobrowseJS.ashx*", to_silent_port)
    page.goto(f"{pages_url}/plain.html")
    page.evaluate(RECORD_EVENTS)
    page.evaluate("GLANCE.Cobrowse.Visitor.startSession()")
    assert page.evaluate("window.seen") == [["sessionstarting", None]]

    page.clock.run_for(10_500)  # past the 10 s connect timeout, on the page's fake clock

    page.wait_for_function("window.seen.some(([name]) => name === 'error')")
    seen = page.evaluate("window.seen")
    assert seen[1][0] == "error" and seen[1][1]["code"] == "conndrop"
    assert "timed out" in seen[1][1]["msg"]
