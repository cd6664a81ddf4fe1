"""A site whose Content-Security-Policy lets Tandem's scripts in but not its socket: the
visitor hears a conndrop error (Glance's) instead of waiting on "Connecting…" for good."""

import re

from playwright.sync_api import expect

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
