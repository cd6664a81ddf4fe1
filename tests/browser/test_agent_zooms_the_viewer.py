"""The agent zooms the replay (fit, 1:1, in and out), puts the viewer in full screen, and
reaches the chat by a skip link or the keyboard without passing through the replay."""

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import replay

PHONE = {"width": 390, "height": 700}


def scale(viewer: Page) -> float:
    return float(viewer.locator("#viewer").get_attribute("data-scale") or 0)


def wait_for_scale(viewer: Page, expected: float) -> None:
    viewer.wait_for_function(
        "(want) => Math.abs(Number(document.getElementById('viewer').dataset.scale) - want)"
        " < 0.005",
        arg=expected,
    )


def open_session(pages_url, open_visitor, open_viewer, viewport=None) -> Page:
    visitor = open_visitor(f"{pages_url}/plain.html", viewport=viewport)
    viewer = open_viewer(visitor.start())
    expect(replay(viewer).locator("#heading")).to_have_text("An integrator's page")
    viewer.wait_for_function("Number(document.getElementById('viewer').dataset.scale) > 0")
    return viewer


def test_agent_shows_a_page_at_actual_size_and_back_to_fit(
    server, pages_url, open_visitor, open_viewer
):
    viewer = open_session(pages_url, open_visitor, open_viewer)
    fitted = scale(viewer)
    assert fitted < 1  # a 1024x700 page in a smaller stage
    expect(viewer.get_by_role("button", name="Fit")).to_have_attribute("aria-pressed", "true")

    viewer.get_by_role("button", name="1:1 (actual size)").click()

    wait_for_scale(viewer, 1.0)
    expect(viewer.locator(".zoom-level")).to_have_text("100%")
    expect(viewer.get_by_role("button", name="Fit")).to_have_attribute("aria-pressed", "false")
    stage = viewer.locator("#viewer .stage")
    assert stage.evaluate("s => s.scrollWidth > s.clientWidth")  # the page scrolls at 1:1

    viewer.get_by_role("button", name="Fit").click()

    wait_for_scale(viewer, fitted)
    expect(viewer.locator(".zoom-level")).to_have_text(f"Fit ({round(fitted * 100)}%)")


def test_agent_zooms_in_on_a_phone_visitor_and_out_again(
    server, pages_url, open_visitor, open_viewer
):
    viewer = open_session(pages_url, open_visitor, open_viewer, viewport=PHONE)
    fitted = scale(viewer)

    viewer.get_by_role("button", name="Zoom in").click()
    viewer.wait_for_function(
        "(was) => Number(document.getElementById('viewer').dataset.scale) > was + 0.01",
        arg=fitted,
    )
    zoomed = scale(viewer)
    viewer.get_by_role("button", name="Zoom in").click()
    viewer.wait_for_function(
        "(was) => Number(document.getElementById('viewer').dataset.scale) > was + 0.01",
        arg=zoomed,
    )
    viewer.get_by_role("button", name="Zoom out").click()

    wait_for_scale(viewer, zoomed)
    expect(viewer.locator(".zoom-level")).to_have_text(f"{round(zoomed * 100)}%")


def test_agent_puts_the_viewer_in_full_screen_and_leaves_it(
    server, pages_url, open_visitor, open_viewer
):
    viewer = open_session(pages_url, open_visitor, open_viewer)
    full = viewer.get_by_role("button", name="Full screen")
    before = scale(viewer)

    full.click()

    viewer.wait_for_function("document.fullscreenElement?.id === 'viewer'")
    expect(full).to_have_attribute("aria-pressed", "true")
    expect(replay(viewer).locator("#heading")).to_be_visible()
    assert scale(viewer) > 0 and before > 0

    full.click()

    viewer.wait_for_function("document.fullscreenElement === null")
    expect(full).to_have_attribute("aria-pressed", "false")


def test_the_skip_link_takes_the_keyboard_to_the_chat(server, pages_url, open_visitor, open_viewer):
    viewer = open_session(pages_url, open_visitor, open_viewer)
    viewer.evaluate("document.activeElement?.blur()")

    viewer.keyboard.press("Tab")
    skip = viewer.get_by_role("link", name="Skip to chat")
    expect(skip).to_be_focused()
    viewer.keyboard.press("Enter")

    expect(viewer.get_by_role("textbox", name="Message")).to_be_focused()


def test_tab_reaches_the_chat_without_entering_the_replay(
    server, pages_url, open_visitor, open_viewer
):
    viewer = open_session(pages_url, open_visitor, open_viewer)
    frame = viewer.locator("#viewer .stage iframe")
    expect(frame).to_have_attribute("title", "The visitor's page (live replay)")
    expect(viewer.get_by_role("main")).to_have_count(1)
    expect(viewer.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Session \S+$"))
    viewer.evaluate("document.activeElement?.blur()")

    for _ in range(40):
        viewer.keyboard.press("Tab")
        assert viewer.evaluate("() => document.activeElement?.tagName !== 'IFRAME'"), (
            "focus went into the replay"
        )
        if viewer.evaluate("document.activeElement?.id === 'chat-text'"):
            break
    expect(viewer.get_by_role("textbox", name="Message")).to_be_focused()
