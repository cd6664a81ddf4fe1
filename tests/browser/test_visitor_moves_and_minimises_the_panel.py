"""The visitor minimises the panel and drags it to another corner; every page of the
session shows it so, until the session ends. It starts bottom left, away from the chat
launchers that sit bottom right."""

from playwright.sync_api import Page, expect


def box(page: Page) -> dict:
    return page.get_by_role("region", name="Co-browsing").bounding_box()


def start_on_the_demo(open_visitor, server) -> Page:
    page = open_visitor(f"{server.url}/demo/", viewport={"width": 1024, "height": 700}).page
    page.evaluate("GLANCE.Cobrowse.Visitor.startSession()")
    expect(page.get_by_role("region", name="Co-browsing").locator(".digits")).to_be_visible()
    return page


def test_panel_starts_bottom_left(server, open_visitor):
    page = start_on_the_demo(open_visitor, server)
    panel = box(page)
    assert panel["x"] < 100
    assert panel["y"] + panel["height"] > 600


def test_minimised_and_moved_panel_stays_so_on_the_next_page(server, open_visitor):
    page = start_on_the_demo(open_visitor, server)
    status = page.get_by_role("region", name="Co-browsing")

    status.get_by_role("button", name="Minimise").click()
    expect(status.locator(".digits")).to_be_hidden()
    expect(status.get_by_role("button", name="Show co-browsing panel")).to_have_attribute(
        "aria-expanded", "false"
    )
    grip = status.get_by_role("button", name="Move the panel").bounding_box()
    page.mouse.move(grip["x"] + grip["width"] / 2, grip["y"] + grip["height"] / 2)
    page.mouse.down()
    page.mouse.move(600, 300, steps=5)
    page.mouse.move(900, 80, steps=5)
    page.mouse.up()
    # It settles in the top right corner.
    expect(status).to_have_attribute("data-corner", "tr")
    panel = box(page)
    assert panel["x"] + panel["width"] > 1000 and panel["y"] < 40

    page.get_by_role("link", name="Checkout").click()
    page.wait_for_url("**/demo/checkout/")

    expect(status).to_have_attribute("data-corner", "tr")
    expect(status.locator(".digits")).to_be_hidden()
    panel = box(page)
    assert panel["x"] + panel["width"] > 1000 and panel["y"] < 40
    restore = status.get_by_role("button", name="Show co-browsing panel")
    restore.click()
    expect(status.locator(".digits")).to_be_visible()


def test_keyboard_moves_the_panel_corner_by_corner(server, open_visitor):
    page = start_on_the_demo(open_visitor, server)
    status = page.get_by_role("region", name="Co-browsing")
    grip = status.get_by_role("button", name="Move the panel")
    grip.focus()

    page.keyboard.press("Enter")

    expect(status).to_have_attribute("data-corner", "tl")
    expect(page.locator("[aria-live=polite]")).to_have_text("Panel moved to the top left.")
    expect(grip).to_be_focused()
