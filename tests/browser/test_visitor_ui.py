"""The default visitor UI: terms dialog, status panel, custom-UI opt-out, never mirrored."""

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import replay

RECORD_EVENTS = """() => {
  window.seen = [];
  for (const name of ["sessionstarting", "sessionstart", "agents", "sessionend", "error"]) {
    GLANCE.Cobrowse.Visitor.addEventListener(name, (payload) => {
      window.seen.push([name, payload ?? null]);
    });
  }
}"""

TERMS_TITLE = "Let an agent see this page?"
# Words the UI shows while recording runs: none of them may ever reach an agent.
UI_TEXTS = [
    "You are sharing this page",
    "Session key",
    "No agent yet",
    "agent is viewing",
    "Stop sharing",
    "Co-browsing started",
]


def seen(page: Page) -> list[str]:
    return [name for name, _ in page.evaluate("window.seen")]


def panel(page: Page):
    return page.get_by_role("region", name="Co-browsing")


def open_terms_with_keyboard(page: Page):
    page.locator("#help").focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name=TERMS_TITLE)
    expect(dialog).to_be_visible()
    return dialog


def test_ui_bundle_loads_only_when_the_terms_are_shown(server, pages_url, open_visitor):
    visitor = open_visitor(f"{pages_url}/ui.html")
    page = visitor.page
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    assert page.evaluate("typeof GLANCE.Cobrowse.VisitorUI.showTerms") == "function"
    assert not [url for url in requested if url.endswith("/static/ui.js")]

    open_terms_with_keyboard(page)

    assert [url for url in requested if url.endswith("/static/ui.js")]


def test_accepting_the_terms_by_keyboard_starts_a_session_and_shows_its_key(
    server, pages_url, open_visitor
):
    page = open_visitor(f"{pages_url}/ui.html").page
    page.evaluate(RECORD_EVENTS)
    page.evaluate("window.termsKey = '482913'")
    dialog = open_terms_with_keyboard(page)
    decline = dialog.get_by_role("button", name="Decline")
    accept = dialog.get_by_role("button", name="Accept")
    expect(dialog).to_have_attribute("aria-modal", "true")
    expect(dialog).to_contain_text("Passwords and payment card details stay hidden")

    # Focus starts on the safe choice and Tab cycles inside the dialog, both ways.
    expect(decline).to_be_focused()
    page.keyboard.press("Tab")
    expect(accept).to_be_focused()
    page.keyboard.press("Tab")
    expect(decline).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(accept).to_be_focused()
    page.keyboard.press("Enter")

    expect(dialog).to_be_hidden()
    page.wait_for_function("window.seen.some(([name]) => name === 'sessionstart')")
    assert page.evaluate("GLANCE.Cobrowse.Visitor.getKey()") == "482913"
    status = panel(page)
    expect(status).to_be_visible()
    expect(status).to_contain_text("You are sharing this page")
    expect(status.locator(".digits")).to_have_text("482913")
    expect(status.locator(".digits span")).to_have_text(["482", "913"])
    expect(status).to_contain_text("No agent yet")
    expect(status.get_by_role("button", name="Stop sharing")).to_be_visible()
    # Focus went back to the page's button, not lost to the body.
    expect(page.locator("#help")).to_be_focused()


def test_declining_the_terms_starts_nothing(server, pages_url, open_visitor):
    visitor = open_visitor(f"{pages_url}/ui.html")
    page = visitor.page
    page.evaluate(RECORD_EVENTS)
    dialog = open_terms_with_keyboard(page)

    dialog.get_by_role("button", name="Decline").click()

    expect(dialog).to_be_hidden()
    expect(page.locator("#help")).to_be_focused()
    expect(panel(page)).to_be_hidden()
    assert seen(page) == []
    assert visitor.sent == []
    assert page.evaluate("GLANCE.Cobrowse.Visitor.inSession()") is False


def test_escape_declines_the_terms(server, pages_url, open_visitor):
    visitor = open_visitor(f"{pages_url}/ui.html")
    page = visitor.page
    page.evaluate(RECORD_EVENTS)
    dialog = open_terms_with_keyboard(page)

    page.keyboard.press("Escape")

    expect(dialog).to_be_hidden()
    expect(page.locator("#help")).to_be_focused()
    assert seen(page) == []
    assert visitor.sent == []
    # The dialog can be opened again after a decline.
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog", name=TERMS_TITLE)).to_be_visible()


def test_panel_counts_agents_and_its_stop_button_ends_the_session(
    server, pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/ui.html")
    page = visitor.page
    page.evaluate(RECORD_EVENTS)
    key = visitor.start()
    status = panel(page)
    expect(status.locator(".digits")).to_have_text(key)
    expect(status).to_contain_text("No agent yet")

    open_viewer(key)
    expect(status).to_contain_text("1 agent is viewing")
    open_viewer(key, username="agent2")
    expect(status).to_contain_text("2 agents are viewing")
    live = page.locator("[aria-live=polite]")
    expect(live).to_have_text("2 agents are viewing")

    status.get_by_role("button", name="Stop sharing").click()

    page.wait_for_function("window.seen.some(([name]) => name === 'sessionend')")
    expect(status).to_be_hidden()
    expect(live).to_have_text("Co-browsing has ended.")
    assert page.evaluate("GLANCE.Cobrowse.Visitor.inSession()") is False


def test_a_failed_start_shows_the_error_until_closed(server, pages_url, new_context):
    page = new_context().new_page()
    page.goto(f"{pages_url}/unknown-group.html")
    page.evaluate("GLANCE.Cobrowse.Visitor.startSession()")

    status = panel(page)
    expect(status).to_contain_text("Co-browsing could not start")
    expect(status).to_contain_text("999")
    expect(page.locator("[aria-live=assertive]")).to_contain_text("999")
    status.get_by_role("button", name="Close").click()
    expect(status).to_be_hidden()


def test_the_ui_never_reaches_the_agent(server, pages_url, open_visitor, open_viewer):
    visitor = open_visitor(f"{pages_url}/ui.html")
    page = visitor.page
    key = visitor.start()
    viewer = open_viewer(key)
    mirror = replay(viewer)
    status = panel(page)
    expect(status).to_contain_text("1 agent is viewing")
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
    assert seen(page)[:3] == ["sessionstarting", "sessionstart", "agents"]
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
