"""The default visitor UI is never mirrored to the agent, a page can opt out of it, and its
styles and the page's stay apart."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import (
    RECORD_EVENTS,
    TERMS_TITLE,
    events_seen,
    panel,
    replay,
)

# Words the UI shows while recording runs: none of them may ever reach an agent.
UI_TEXTS = [
    "You are sharing this page",
    "Session key",
    "No agent yet",
    "agent is viewing",
    "Stop sharing",
    "Take back control",
    "Minimise",
    "Co-browsing started",
]


def test_the_ui_never_reaches_the_agent(server, pages_url, open_visitor, open_viewer):
    visitor = open_visitor(f"{pages_url}/ui.html")
    page = visitor.page
    key = visitor.start()
    viewer = open_viewer(key)
    mirror = replay(viewer)
    status = panel(page)
    expect(status).to_contain_text("agent is viewing")
    # Changes after the panel's last update still reach the agent: the tap sees the wire.
    page.type("#note", "typed-after-the-panel")
    expect(mirror.locator("#note")).to_have_value("typed-after-the-panel")

    sent = visitor.sent_text()
    assert "Need a hand?" in sent
    assert "typed-after-the-panel" in sent
    for text in UI_TEXTS:
        assert text not in sent, text
    assert "data-tandem-ui" not in sent

    mirror_html = mirror.locator("html").evaluate("el => el.outerHTML")
    for text in UI_TEXTS:
        assert text not in mirror_html, text
    expect(mirror.get_by_role("region")).to_have_count(0)
    expect(mirror.get_by_role("button")).to_have_count(1)  # the page's own "Get help"
    expect(mirror.locator("[data-tandem-masked]")).to_have_count(0)
    # What stands in for the UI host is an empty box with no size.
    boxes = mirror.locator("body > div").evaluate_all(
        "els => els.map(el => [el.childNodes.length, el.getBoundingClientRect().width,"
        " el.getBoundingClientRect().height])"
    )
    assert boxes == [[0, 0, 0]]


def test_custom_ui_attribute_leaves_visitor_ui_undefined_and_events_still_fire(
    server, pages_url, open_visitor
):
    visitor = open_visitor(f"{pages_url}/custom-ui.html")
    page = visitor.page
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    assert page.evaluate("typeof GLANCE.Cobrowse.VisitorUI") == "undefined"
    page.evaluate(RECORD_EVENTS)

    visitor.start()

    page.wait_for_function("window.seen.length >= 3")
    assert events_seen(page)[:3] == ["sessionstarting", "sessionstart", "agents"]
    expect(page.locator("[data-tandem-ui]")).to_have_count(0)
    expect(page.get_by_role("region", name="Co-browsing")).to_have_count(0)
    assert not [url for url in requested if url.endswith("/static/ui.js")]


def test_page_styles_do_not_reach_the_ui_and_its_styles_stay_out(server, pages_url, open_visitor):
    page = open_visitor(f"{pages_url}/styled.html").page
    own_button = page.locator("#page-button")
    own_panel = page.locator("#page-panel")
    before = [
        own_button.evaluate("el => getComputedStyle(el).backgroundColor"),
        own_panel.evaluate("el => getComputedStyle(el).position"),
    ]

    page.evaluate("GLANCE.Cobrowse.VisitorUI.showTerms()")

    dialog = page.get_by_role("dialog", name=TERMS_TITLE)
    expect(dialog).to_be_visible()
    accept = dialog.get_by_role("button", name="Accept")
    expect(accept).to_be_visible()
    assert accept.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(11, 87, 208)"
    assert accept.evaluate("el => getComputedStyle(el).color") == "rgb(255, 255, 255)"
    assert accept.evaluate("el => getComputedStyle(el).fontSize") == "15px"
    accept.click()
    status = panel(page)
    expect(status.get_by_role("button", name="Stop sharing")).to_be_visible()
    assert status.evaluate("el => getComputedStyle(el).position") == "fixed"
    assert re.fullmatch(r"\d+", status.locator(".digits").inner_text())
    after = [
        own_button.evaluate("el => getComputedStyle(el).backgroundColor"),
        own_panel.evaluate("el => getComputedStyle(el).position"),
    ]
    assert before == after == ["rgb(255, 0, 0)", "static"]
