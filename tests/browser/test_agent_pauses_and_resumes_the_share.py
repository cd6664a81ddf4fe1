"""An agent pauses and resumes the share of their screen: the visitor's page hears of it,
and a paused share stays paused after a reload.

The setting: two Chromium contexts on loopback, with Chromium's fake camera
and fake screen (tests/servers.py), WebRTC between the agent's viewer and the view iframe
in the visitor's page, signalled over the session sockets."""

from playwright.sync_api import expect

from tests.browser.conftest import (
    share,
    sharing,
    view_frame,
    wait_for_event,
    wait_playing,
)


def test_pause_and_resume_reach_the_visitor(server, pages_url, open_visitor, open_viewer):
    visitor, viewer = sharing(open_visitor, open_viewer, f"{pages_url}/share.html")
    page = visitor.page
    share(viewer)
    frame = view_frame(page)
    wait_playing(frame)

    viewer.get_by_role("button", name="Pause").click()

    wait_for_event(page, "screensharepause", {"screenshareView": "glance_screenshare"})
    expect(frame.locator("#paused")).to_be_visible()
    expect(frame.locator("#paused")).to_have_text("The agent paused sharing")
    expect(viewer.locator("#viewer")).to_have_attribute("data-share", "paused")
    expect(page.get_by_role("region", name="Agent's screen")).to_contain_text("(paused)")

    viewer.get_by_role("button", name="Resume").click()

    wait_for_event(page, "screenshareresume", {"screenshareView": "glance_screenshare"})
    expect(frame.locator("#paused")).to_be_hidden()
    expect(viewer.locator("#viewer")).to_have_attribute("data-share", "connected")
    wait_playing(frame)


def test_a_paused_share_stays_paused_after_a_reload(server, pages_url, open_visitor, open_viewer):
    visitor, viewer = sharing(open_visitor, open_viewer, f"{pages_url}/share.html")
    page = visitor.page
    share(viewer)
    viewer.get_by_role("button", name="Pause").click()
    wait_for_event(page, "screensharepause", {"screenshareView": "glance_screenshare"})

    page.reload()

    wait_for_event(
        page,
        "screenshare",
        {"screenshareView": "glance_screenshare", "state": "continued", "paused": True},
    )
    expect(view_frame(page).locator("#paused")).to_be_visible()
