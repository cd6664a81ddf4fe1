"""The agent draws on the visitor's page without control: the visitor sees the mark over
the content it was drawn on, also after scrolling; the agent clears it, the visitor
dismisses it, and a pen line fades by itself."""

from playwright.sync_api import Page, expect

from tests.browser.conftest import replay
from tests.browser.test_agent_points_at_the_visitor_page import (
    MARKS,
    centre_in_viewer,
    centre_on_page,
    open_marked_visitor,
    wait_for_marks,
)


def stroke_across(viewer: Page, selector: str) -> None:
    """Press on the middle of the replayed element and drag 120 px to the right."""
    x, y = centre_in_viewer(viewer, selector)
    viewer.mouse.move(x, y)
    viewer.mouse.down()
    viewer.mouse.move(x + 120, y, steps=6)
    viewer.mouse.up()


def watched_page(server, pages_url, new_context, open_viewer):
    visitor = open_marked_visitor(new_context, f"{pages_url}/control.html")
    viewer = open_viewer(visitor.start())
    expect(replay(viewer).locator("#heading")).to_have_text("Control")
    return visitor, viewer


def test_a_highlight_stays_on_its_content_as_the_visitor_scrolls_until_the_agent_clears_it(
    server, pages_url, new_context, open_viewer
):
    visitor, viewer = watched_page(server, pages_url, new_context, open_viewer)
    viewer.get_by_role("button", name="Highlight").click()

    stroke_across(viewer, "#heading")

    heading_x, heading_y = centre_on_page(visitor.page, "#heading")
    drawn = wait_for_marks(
        visitor.page,
        "(m, at) => m.paths.length === 1 && m.paths[0].width > 80"
        " && Math.abs(m.paths[0].y + m.paths[0].height / 2 - at[1]) < 8"
        # from the heading's centre (the box may or may not count the 11 px round cap)
        " && m.paths[0].x > at[0] - 20 && m.paths[0].x < at[0] + 8",
        [heading_x, heading_y],
    )
    assert drawn["dismiss"] is True
    expect(replay(viewer).locator("path")).to_have_count(0)  # never in the mirror
    expect(viewer.get_by_role("button", name="Clear drawings")).to_be_enabled()

    visitor.page.mouse.wheel(0, 200)
    visitor.page.wait_for_function("() => window.scrollY > 0")
    scrolled = visitor.page.evaluate("window.scrollY")
    wait_for_marks(
        visitor.page,
        "(m, want) => m.paths.length === 1 && Math.abs(m.paths[0].y - want) < 3",
        drawn["paths"][0]["y"] - scrolled,
    )

    viewer.get_by_role("button", name="Clear drawings").click()

    wait_for_marks(visitor.page, "(m) => m.paths.length === 0 && !m.dismiss")
    expect(viewer.locator(".stage")).to_have_attribute("inert", "")  # never took control


def test_visitor_dismisses_the_drawings_and_the_agent_is_told(
    server, pages_url, new_context, open_viewer
):
    visitor, viewer = watched_page(server, pages_url, new_context, open_viewer)
    viewer.get_by_role("button", name="Highlight").click()
    stroke_across(viewer, "#bump")
    wait_for_marks(visitor.page, "(m) => m.paths.length === 1 && m.dismiss")
    # The page under the mark still works: the marks never take the visitor's pointer.
    visitor.page.click("#bump")
    expect(visitor.page.locator("#count")).to_have_text("1")

    dismiss = visitor.page.evaluate_handle(
        "() => window.__closedRoots.filter((r) => r.host.isConnected"
        " && r.host.hasAttribute('data-tandem-marks')).pop().querySelector('button.dismiss')"
    )
    dismiss.as_element().click()

    wait_for_marks(visitor.page, "(m) => m.paths.length === 0 && !m.dismiss")
    expect(viewer.locator(".marks-status")).to_have_text("The visitor hid your drawings.")
    expect(viewer.locator(".marks-layer path")).to_have_count(0)
    expect(viewer.get_by_role("button", name="Clear drawings")).to_be_disabled()


def test_a_pen_line_shows_then_fades_by_itself(server, pages_url, new_context, open_viewer):
    visitor, viewer = watched_page(server, pages_url, new_context, open_viewer)
    viewer.get_by_role("button", name="Draw", exact=True).click()

    stroke_across(viewer, "#bump")

    wait_for_marks(visitor.page, "(m) => m.paths.length === 1 && m.paths[0].width > 80")
    expect(viewer.locator(".marks-layer path")).to_have_count(1)
    visitor.page.wait_for_function(f"() => ({MARKS})().paths.length === 0", timeout=60_000)
    expect(viewer.locator(".marks-layer path")).to_have_count(0, timeout=60_000)
