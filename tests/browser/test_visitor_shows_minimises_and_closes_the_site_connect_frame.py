"""The site-connect frame on a site_connect page: shown with the code, minimized, hidden."""

from playwright.sync_api import expect

from tests.browser.conftest import (
    frame_element,
    ready_code,
    site_connect_frame,
    wait_seen,
)


def test_show_frame_shows_the_frame_with_the_code(site_connect_page):
    page = site_connect_page()
    code = ready_code(page)
    expect(frame_element(page)).to_be_hidden()

    page.evaluate("site_connect.publish('~pagesession/show_frame')")

    expect(frame_element(page)).to_be_visible()
    assert frame_element(page).bounding_box()["height"] > 300
    expect(site_connect_frame(page).locator("#code")).to_have_text(code)


def test_minimize_in_the_frame_publishes_minimize_frame_and_shrinks_it(site_connect_page):
    page = site_connect_page()
    ready_code(page)
    page.evaluate("site_connect.publish('~pagesession/show_frame')")
    frame = site_connect_frame(page)

    frame.get_by_role("button", name="Minimize").click()

    wait_seen(page, "~pagesession/minimize_frame")
    expect(frame_element(page)).to_have_attribute("data-mode", "minimized")
    assert frame_element(page).bounding_box()["height"] < 60
    frame.get_by_role("button", name="Restore").click()
    wait_seen(page, "~pagesession/show_frame", {})
    expect(frame_element(page)).to_have_attribute("data-mode", "shown")


def test_close_in_the_frame_publishes_hide_frame_and_hides_it(site_connect_page):
    page = site_connect_page()
    ready_code(page)
    page.evaluate("site_connect.publish('~pagesession/show_frame')")
    frame = site_connect_frame(page)

    frame.get_by_role("button", name="Close").click()

    wait_seen(page, "~pagesession/hide_frame")
    expect(frame_element(page)).to_be_hidden()
    # The page may hide it too.
    page.evaluate("site_connect.publish('~pagesession/show_frame')")
    expect(frame_element(page)).to_be_visible()
    page.evaluate("site_connect.publish('~pagesession/hide_frame')")
    expect(frame_element(page)).to_be_hidden()
