"""The visitor reloads the page while an agent shares their screen: the share continues and
the video plays again.

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


def test_reload_continues_the_share_and_the_video_plays_again(
    server, pages_url, open_visitor, open_viewer
):
    visitor, viewer = sharing(open_visitor, open_viewer, f"{pages_url}/share.html")
    page = visitor.page
    share(viewer)
    wait_playing(view_frame(page))

    page.reload()

    wait_for_event(
        page,
        "screenshare",
        {"screenshareView": "glance_screenshare", "state": "continued", "paused": False},
    )
    wait_playing(view_frame(page))
    expect(viewer.locator("#viewer")).to_have_attribute("data-share", "connected")
