"""The default visitor UI's terms dialog: the visitor opens it, accepts (by keyboard, or
on the demo shop) and a session starts, or declines and nothing starts."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import (
    RECORD_EVENTS,
    TERMS_TITLE,
    events_seen,
    open_terms_with_keyboard,
    panel,
    replay,
)


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
    assert events_seen(page) == []
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
    assert events_seen(page) == []
    assert visitor.sent == []
    # The dialog can be opened again after a decline.
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog", name=TERMS_TITLE)).to_be_visible()


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


def test_demo_shop_starts_a_session_through_the_default_ui(server, open_visitor, open_viewer):
    page = open_visitor(f"{server.url}/demo/").page

    page.get_by_role("button", name="Get help from an agent").click()
    page.get_by_role("dialog", name=TERMS_TITLE).get_by_role("button", name="Accept").click()

    digits = panel(page).locator(".digits")
    expect(digits).to_have_text(re.compile(r"^\d{6}$"))
    expect(page.locator("#events [data-name=sessionstart]")).to_have_count(1)
    key = digits.text_content() or ""
    viewer = open_viewer(key)
    expect(replay(viewer).locator(".shop-name")).to_have_text("Paper & Pine")
    page.get_by_role("link", name="Checkout").click()
    expect(page.locator("#events [data-name=statereceived]")).to_have_count(1)
    expect(panel(page).locator(".digits")).to_have_text(key)
    expect(replay(viewer).locator("#heading")).to_have_text("Checkout")
