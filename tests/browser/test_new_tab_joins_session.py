"""A new tab of the site (a typed URL, a target=_blank link) joins the visitor's live
session with Glance's tab semantics: the tab in use has the session's focus, the other
gets `blur`, and takes the focus back when the visitor uses it again."""

from playwright.sync_api import Page, expect

from tests.browser.conftest import replay, wait_for_event
from tests.browser.test_session_continues import add_note

SHARED_KEY = "tandem.cobrowse.tabs.72"


def the_agent_follows_the_visitor_between_tabs(first: Page, second: Page, mirror, key: str):
    wait_for_event(second, "statereceived")
    wait_for_event(first, "blur")
    assert second.evaluate("GLANCE.Cobrowse.Visitor.getKey()") == key
    expect(mirror.locator("#heading")).to_have_text("Basket")
    add_note(first, "typed in the blurred tab")
    add_note(second, "typed in the new tab")
    expect(mirror.locator("#notes li")).to_have_text("typed in the new tab")

    first.bring_to_front()
    first.click("#heading")

    wait_for_event(first, "focus")
    wait_for_event(second, "blur")
    expect(mirror.locator("#heading")).to_have_text("Shop")
    expect(mirror.locator("#notes li")).to_have_text("typed in the blurred tab")


def test_a_tab_opened_by_a_typed_url_joins_the_session(
    server, pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/shop.html")
    first = visitor.page
    key = visitor.start()
    mirror = replay(open_viewer(key))
    expect(mirror.locator("#heading")).to_have_text("Shop")

    second = first.context.new_page()
    second.goto(f"{pages_url}/basket.html")

    the_agent_follows_the_visitor_between_tabs(first, second, mirror, key)


def test_a_tab_opened_by_a_target_blank_link_joins_the_session(
    server, pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/shop.html")
    first = visitor.page
    key = visitor.start()
    mirror = replay(open_viewer(key))
    expect(mirror.locator("#heading")).to_have_text("Shop")

    with first.context.expect_page() as opened:
        first.get_by_role("link", name="Open the basket in a new tab").click()
    second = opened.value

    the_agent_follows_the_visitor_between_tabs(first, second, mirror, key)


def test_stopping_in_the_new_tab_ends_the_session_in_both(server, pages_url, open_visitor):
    visitor = open_visitor(f"{pages_url}/shop.html")
    first = visitor.page
    visitor.start()
    second = first.context.new_page()
    second.goto(f"{pages_url}/basket.html")
    wait_for_event(second, "statereceived")

    second.evaluate("GLANCE.Cobrowse.Visitor.stopSession()")

    wait_for_event(first, "sessionend")
    assert first.evaluate("(key) => localStorage.getItem(key)", SHARED_KEY) is None
    third = first.context.new_page()
    third.goto(f"{pages_url}/basket.html")
    assert third.evaluate("GLANCE.Cobrowse.Visitor.inSession()") is False
    assert third.evaluate("window.seen") == []


def test_a_new_tab_with_a_stale_shared_session_stays_out_quietly(server, pages_url, open_visitor):
    first = open_visitor(f"{pages_url}/shop.html").page
    first.evaluate(
        "(key) => localStorage.setItem(key, JSON.stringify({key: '123456', token: 'forged'}))",
        SHARED_KEY,
    )

    second = first.context.new_page()
    second.goto(f"{pages_url}/basket.html")

    wait_for_event(second, "sessionend")
    assert [name for name, _ in second.evaluate("window.seen")] == [
        "sessioncontinue",
        "sessionend",
    ]
    assert second.evaluate("GLANCE.Cobrowse.Visitor.inSession()") is False
    assert second.evaluate("(key) => localStorage.getItem(key)", SHARED_KEY) is None
