"""An agent shows the visitor their webcam inside the visitor's page.

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


def test_camera_shows_in_the_agent_video_view(server, pages_url, open_visitor, open_viewer):
    visitor, viewer = sharing(open_visitor, open_viewer, f"{pages_url}/share.html")
    page = visitor.page

    share(viewer, "Share camera")

    wait_for_event(
        page,
        "screenshare",
        {"screenshareView": "glance_agentvideo", "state": "new", "paused": False},
    )
    expect(page.get_by_role("region", name="Agent's video")).to_be_visible()
    wait_playing(view_frame(page, "glance_agentvideo"))
