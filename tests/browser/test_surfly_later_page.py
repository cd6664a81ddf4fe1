"""On a later page of a session, Surfly.isInsideSession and Surfly.currentSession hold from
the page's first script, so Surfly's init-callback pattern registers its handlers."""

from playwright.sync_api import expect

from tests.browser.test_surfly_object_api import start_with_pin


def test_a_later_page_is_inside_the_session_from_its_first_script(
    server, pages_url, open_visitor, open_viewer
):
    page = open_visitor(f"{pages_url}/surfly-api.html").page
    pin = start_with_pin(page)
    viewer = open_viewer(pin)

    page.click("#next")

    page.wait_for_url(f"{pages_url}/surfly-later.html")
    assert page.evaluate("window.atParse") == {"inside": True, "pin": pin}
    page.wait_for_function("() => window.seen.length === 1")
    assert page.evaluate("window.seen") == [["inside", 1]]
    chat = viewer.get_by_role("complementary", name="Chat with the visitor")
    chat.get_by_label("Message").fill("I can see the next page")
    chat.get_by_role("button", name="Send").click()
    page.wait_for_function("() => window.messages.length === 1")
    assert page.evaluate("window.messages[0].data") == "I can see the next page"
    expect(page.locator("h1")).to_have_text("Later page")
