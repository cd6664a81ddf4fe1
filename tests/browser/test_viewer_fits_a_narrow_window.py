"""An agent whose viewer window is narrower than a full laptop screen (snapped to half of
a 1920-pixel monitor, or a phone) still reaches every control without scrolling sideways,
as the dashboard does."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, replay


@pytest.mark.parametrize("size", [(960, 800), (390, 844)], ids=["half-screen", "phone"])
def test_viewer_controls_stay_on_screen_in_a_narrow_window(
    size, server, pages_url, open_visitor, new_context
):
    width, height = size
    key = open_visitor(f"{pages_url}/plain.html").start()
    viewer = new_context(viewport={"width": width, "height": height}).new_page()
    log_in(viewer, server)
    viewer.goto(f"{server.url}/agent/session/{key}/")
    expect(viewer.locator("#viewer")).to_have_attribute("data-state", "live")
    expect(replay(viewer).locator("#heading")).to_have_text("An integrator's page")

    assert viewer.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for name in ("End session", "Leave", "Request control"):
        box = viewer.get_by_role("button", name=name).bounding_box()
        assert box is not None and box["x"] + box["width"] <= width, name
