"""The agent's accessibility mode reaches the visitor's page, and a session carries on to
another of the group's trusted domains when the visitor agrees (urlstartwarning)."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import replay, wait_for_event

ON_OTHER_DOMAIN = re.compile(r"^http://localhost:\d+/handoff\.html")


def other_domain(url: str) -> str:
    """The same test page, on the group's other trusted domain (localhost, not 127.0.0.1)."""
    return url.replace("127.0.0.1", "localhost")


def test_agents_accessibility_mode_reaches_the_visitor_and_its_next_pages(
    server, pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/handoff.html")
    page = visitor.page
    key = visitor.start()
    viewer = open_viewer(key)
    toggle = viewer.get_by_role("button", name="Accessibility mode")
    expect(toggle).to_have_attribute("aria-pressed", "false")

    toggle.click()

    wait_for_event(page, "accessibility", {"enabled": True})
    expect(toggle).to_have_attribute("aria-pressed", "true")
    page.click("#next")
    page.wait_for_url("**/handoff.html?step=2")
    wait_for_event(page, "accessibility", {"enabled": True})
    assert page.evaluate("GLANCE.Cobrowse.Visitor.getSessionState().accessibility") is True
    toggle.click()
    wait_for_event(page, "accessibility", {"enabled": False})
    expect(toggle).to_have_attribute("aria-pressed", "false")


def test_accepted_url_start_warning_continues_the_session_on_the_other_domain(
    server, pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/handoff.html")
    page = visitor.page
    key = visitor.start()
    viewer = open_viewer(key)
    mirror = replay(viewer)
    expect(mirror.locator("#heading")).to_have_text("Handoff on 127.0.0.1")

    page.evaluate(
        "(url) => GLANCE.Cobrowse.Visitor.crossDomain(url)",
        other_domain(f"{pages_url}/handoff.html"),
    )
    page.wait_for_url(ON_OTHER_DOMAIN)
    wait_for_event(page, "urlstartwarning")

    assert "tandem_continue" not in page.url  # the token leaves the address bar at once
    assert page.evaluate("GLANCE.Cobrowse.Visitor.inSession()") is False
    page.evaluate("window.asks.urlstartwarning.accept()")
    wait_for_event(page, "statereceived")
    assert page.evaluate("GLANCE.Cobrowse.Visitor.getKey()") == key
    expect(mirror.locator("#heading")).to_have_text("Handoff on localhost")


def test_declined_url_start_warning_continues_nothing(server, pages_url, open_visitor):
    visitor = open_visitor(f"{pages_url}/handoff.html")
    page = visitor.page
    visitor.start()
    sockets: list[str] = []

    page.evaluate(
        "(url) => GLANCE.Cobrowse.Visitor.crossDomain(url)",
        other_domain(f"{pages_url}/handoff.html"),
    )
    page.wait_for_url(ON_OTHER_DOMAIN)
    page.on("websocket", lambda ws: sockets.append(ws.url))
    wait_for_event(page, "urlstartwarning")
    page.evaluate("window.asks.urlstartwarning.decline()")

    assert page.evaluate("GLANCE.Cobrowse.Visitor.inSession()") is False
    page.reload()  # a declined handoff is not offered again
    page.wait_for_function("() => document.readyState === 'complete'")
    assert page.evaluate("window.seen") == []
    assert sockets == []


def test_default_ui_asks_before_continuing_on_the_other_domain(
    server, pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/ui.html")
    page = visitor.page
    key = visitor.start()

    page.evaluate(
        "(url) => GLANCE.Cobrowse.Visitor.crossDomain(url)", other_domain(f"{pages_url}/ui.html")
    )
    dialog = page.get_by_role("alertdialog", name="Keep sharing on this site?")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Continue sharing").click()

    expect(page.get_by_role("region", name="Co-browsing").locator(".digits")).to_have_text(key)
    assert page.evaluate("GLANCE.Cobrowse.Visitor.getKey()") == key
