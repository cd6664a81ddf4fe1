"""An agent in control types into a field of the visitor's page at full speed (a fast
typist's burst, a key held down, a text expander): every character reaches the visitor's
page, in order. Keystrokes sent back to back lost characters ("hello world 12345" became
"hello orl2345")."""

from playwright.sync_api import expect

from tests.browser.conftest import replay, wait_for_event


def test_every_character_of_a_fast_burst_reaches_the_visitors_field(
    server, pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/control.html")
    viewer = open_viewer(visitor.start())
    mirror = replay(viewer)
    expect(mirror.locator("#heading")).to_have_text("Control")
    viewer.get_by_role("button", name="Request control").click()
    visitor.page.wait_for_function("() => window.consent !== null")
    visitor.page.evaluate("window.consent.accept()")
    wait_for_event(visitor.page, "rc", {"enabled": True})

    mirror.locator("#name").click()
    mirror.locator("#name").press_sequentially("hello world 12345")

    expect(visitor.page.locator("#name")).to_have_value("hello world 12345")
    expect(mirror.locator("#name")).to_have_value("hello world 12345")
