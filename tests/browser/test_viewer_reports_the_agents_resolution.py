"""While an agent shares their screen, the visitor's page hears the agent's resolution and
frame rates (`viewerinfo`), and again when they change.

The setting: two Chromium contexts on loopback, with Chromium's fake camera
and fake screen (tests/servers.py), WebRTC between the agent's viewer and the view iframe
in the visitor's page, signalled over the session sockets."""

from tests.browser.conftest import (
    events,
    share,
    sharing,
    view_frame,
    wait_playing,
)


def test_viewerinfo_reports_the_agents_resolution_and_frame_rates(
    server, pages_url, open_visitor, open_viewer
):
    visitor, viewer = sharing(open_visitor, open_viewer, f"{pages_url}/share.html")
    page = visitor.page
    share(viewer)
    wait_playing(view_frame(page))
    page.wait_for_function("() => window.seen.some(([name]) => name === 'viewerinfo')")

    first = events(page, "viewerinfo")[0]
    assert first["screenshareView"] == "glance_screenshare"
    assert first["screen"]["width"] > 0 and first["screen"]["height"] > 0
    # Shown in the default panel (at most 420 px wide), in the picture's proportions.
    scaled = first["scaledview"]
    assert 0 < scaled["width"] <= 420 and 0 < scaled["height"] <= 420
    ratio = first["screen"]["width"] / first["screen"]["height"]
    assert abs(scaled["width"] / scaled["height"] - ratio) < 0.05
    stats = first["glance_viewer"]["stats"]
    assert set(stats) == {"fpslimit", "viewerfps", "displayfps"}
    assert all(isinstance(value, int) for value in stats.values())
    assert 0 < stats["fpslimit"] <= 30
    page.wait_for_function(
        """() => window.seen.some(([name, info]) => name === 'viewerinfo'
             && info.glance_viewer && info.glance_viewer.stats.viewerfps > 0
             && info.glance_viewer.stats.displayfps !== 0)"""
    )

    # The visitor's window narrows, so the panel and the picture in it shrink: the next
    # viewerinfo says so, and repeats nothing that did not change.
    page.set_viewport_size({"width": 360, "height": 700})
    page.wait_for_function(
        """() => window.seen.some(([name, info]) => name === 'viewerinfo'
             && info.scaledview && info.scaledview.width <= 328)"""
    )
    screen = first["screen"]
    for info in events(page, "viewerinfo")[1:]:
        assert info["screenshareView"] == "glance_screenshare"
        assert set(info) - {"screenshareView"}, info
        assert set(info) <= {"screenshareView", "screen", "scaledview", "glance_viewer"}
        if "screen" in info:
            assert info["screen"] != screen
            screen = info["screen"]


def test_viewerinfo_follows_a_change_of_the_agents_resolution(
    server, pages_url, open_visitor, open_viewer
):
    visitor, viewer = sharing(open_visitor, open_viewer, f"{pages_url}/share.html")
    page = visitor.page
    share(viewer)
    wait_playing(view_frame(page))
    page.wait_for_function("() => window.seen.some(([name]) => name === 'viewerinfo')")

    # What the agent shares gets smaller (as when their screen's resolution changes).
    viewer.locator(".share-preview").evaluate(
        "video => video.srcObject.getVideoTracks()[0].applyConstraints({width: 640, height: 360})"
    )

    # Only what changed: the new resolution (and how big it shows), not the view's history.
    page.wait_for_function(
        """() => window.seen.some(([name, info]) => name === 'viewerinfo'
             && info.screen && info.screen.width === 640 && info.screen.height > 0)"""
    )
