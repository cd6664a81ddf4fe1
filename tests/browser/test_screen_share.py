"""An agent shows the visitor their screen or webcam inside the visitor's page, and invites
them to a reverse session: two Chromium contexts on loopback, with Chromium's fake camera
and fake screen (tests/servers.py), WebRTC between the agent's viewer and the view iframe
in the visitor's page, signalled over the session sockets."""

import json
import re

from playwright.sync_api import Frame, Page, expect

from tests.browser.conftest import Visitor, replay, wait_for_event

VIEW_URL = re.compile(r".*/cobrowse/view/\?.*")

# Frames shown by the <video> of a view, and its picture's width (0 until video arrives).
PLAYING = """([after]) => {
  const video = document.getElementById('video');
  return video.videoWidth > 0 && video.getVideoPlaybackQuality().totalVideoFrames > after;
}"""
SHOWN_FRAMES = "() => document.getElementById('video').getVideoPlaybackQuality().totalVideoFrames"


def events(page: Page, name: str) -> list:
    return [payload for seen, payload in page.evaluate("window.seen") if seen == name]


def sharing(open_visitor, open_viewer, url: str) -> tuple[Visitor, Page]:
    visitor = open_visitor(url)
    key = visitor.start()
    viewer = open_viewer(key)
    return visitor, viewer


def share(viewer: Page, button: str = "Share screen") -> None:
    viewer.get_by_role("button", name=button).click()
    expect(viewer.locator("#viewer")).to_have_attribute("data-share", "connected")
    expect(viewer.locator(".share-status")).to_contain_text("the visitor's view is connected")


def view_frame(page: Page, view: str = "glance_screenshare") -> Frame:
    """The view iframe of `view` in the visitor's page, once it shows Tandem's view page."""
    iframe = page.locator(f"iframe#{view}")
    expect(iframe).to_have_attribute("src", VIEW_URL)
    frame = iframe.element_handle().content_frame()
    assert frame is not None
    frame.wait_for_url(VIEW_URL)
    return frame


def wait_playing(frame: Frame) -> None:
    """The video has a picture and its frames advance."""
    frame.wait_for_function(PLAYING, arg=[0])
    shown = frame.evaluate(SHOWN_FRAMES)
    frame.wait_for_function(PLAYING, arg=[shown + 5])


def mirror_frames(visitor: Visitor) -> str:
    """Everything the visitor's page sent for the mirror (rrweb events and snapshots)."""
    return "\n".join(text for text in visitor.sent if text.startswith(('{"t":"ev"', '{"t":"snap"')))


def test_agents_screen_plays_in_the_visitors_page_and_never_in_the_mirror(
    server, pages_url, open_visitor, open_viewer
):
    visitor, viewer = sharing(open_visitor, open_viewer, f"{pages_url}/share.html")
    page = visitor.page

    share(viewer)

    wait_for_event(
        page,
        "screenshare",
        {"screenshareView": "glance_screenshare", "state": "new", "paused": False},
    )
    panel = page.get_by_role("region", name="Agent's screen")
    expect(panel).to_be_visible()
    wait_playing(view_frame(page))
    # The visitor may minimize the panel, never close it: the agent ends the share.
    panel.get_by_role("button", name="Minimize").click()
    expect(page.locator("iframe#glance_screenshare")).to_be_hidden()
    panel.get_by_role("button", name="Show").click()
    expect(page.locator("iframe#glance_screenshare")).to_be_visible()

    page.locator("#heading").click()  # something for the recorder to send after the share
    expect(replay(viewer).locator("#heading")).to_have_text("Watch the agent")
    sent = mirror_frames(visitor)
    assert "/cobrowse/view/" not in sent
    assert "glance_screenshare" not in sent
    expect(replay(viewer).locator("iframe")).to_have_count(0)

    viewer.get_by_role("button", name="Stop sharing").click()
    wait_for_event(
        page,
        "screenshare",
        {"screenshareView": "glance_screenshare", "state": "ended", "paused": False},
    )
    expect(page.locator("iframe#glance_screenshare")).to_have_count(0)
    expect(viewer.locator("#viewer")).to_have_attribute("data-share", "off")


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


def test_custom_ui_iframes_get_the_view_and_the_events(
    server, pages_url, open_visitor, open_viewer
):
    visitor, viewer = sharing(open_visitor, open_viewer, f"{pages_url}/share-custom.html")
    page = visitor.page

    share(viewer)

    wait_for_event(
        page,
        "screenshare",
        {"screenshareView": "glance_screenshare", "state": "new", "paused": False},
    )
    wait_playing(view_frame(page))
    page.wait_for_function("() => window.seen.some(([name]) => name === 'viewerinfo')")
    # Tandem shows nothing of its own on a custom UI page.
    expect(page.locator("[data-tandem-ui]")).to_have_count(0)
    expect(page.locator("#glance_agentvideo")).to_be_hidden()
    expect(page.locator("#glance_agentvideo")).not_to_have_attribute("src", VIEW_URL)
    # The page's iframes reach the agent as empty boxes, never with the view's address.
    assert "/cobrowse/view/" not in mirror_frames(visitor)
    boxes = replay(viewer).locator("iframe")
    expect(boxes).to_have_count(2)
    assert boxes.evaluate_all("els => els.map((el) => [el.id, el.getAttribute('src')])") == [
        ["", None],
        ["", None],
    ]

    viewer.get_by_role("button", name="Stop sharing").click()
    wait_for_event(
        page,
        "screenshare",
        {"screenshareView": "glance_screenshare", "state": "ended", "paused": False},
    )
    expect(page.locator("#glance_screenshare")).to_be_hidden()


def test_a_second_agent_cannot_share_while_one_does(server, pages_url, open_visitor, open_viewer):
    visitor, first = sharing(open_visitor, open_viewer, f"{pages_url}/share.html")
    second = open_viewer(visitor.page.evaluate("GLANCE.Cobrowse.Visitor.getKey()"), "agent2")
    share(first)

    expect(second.locator("#viewer")).to_have_attribute("data-share", "other")
    expect(second.locator(".share-status")).to_contain_text("is sharing their screen")
    expect(second.get_by_role("button", name="Share screen")).to_be_disabled()
    third = open_viewer(visitor.page.evaluate("GLANCE.Cobrowse.Visitor.getKey()"), "agent2")
    # A late joiner learns of the share from its `joined` frame.
    expect(third.locator("#viewer")).to_have_attribute("data-share", "other")


def test_visitor_accepts_a_reverse_session_in_the_default_dialog(
    server, pages_url, open_visitor, open_viewer
):
    visitor, viewer = sharing(open_visitor, open_viewer, f"{pages_url}/share.html")
    page = visitor.page

    viewer.get_by_role("button", name="Invite to reverse session").click()

    expect(viewer.locator("#viewer")).to_have_attribute("data-reverse", "invited")
    wait_for_event(page, "reverseconfirm", "callbacks")
    dialog = page.get_by_role("alertdialog", name="Watch the agent's screen?")
    expect(dialog).to_be_visible()
    sent_before = len(visitor.sent)
    dialog.get_by_role("button", name="Watch").click()

    expect(viewer.locator("#viewer")).to_have_attribute("data-reverse", "accepted")
    expect(viewer.locator(".reverse-status")).to_contain_text("the visitor accepted")
    # The visitor now watches the agent: their page is no longer recorded.
    share(viewer)
    wait_playing(view_frame(page))
    page.locator("#heading").evaluate("el => { el.textContent = 'Changed while watching'; }")
    page.get_by_role("region", name="Agent's screen").get_by_role("button", name="Minimize").click()
    expect(page.locator("iframe#glance_screenshare")).to_be_hidden()
    assert "Changed while watching" not in "\n".join(visitor.sent[sent_before:])
    # Nor is the next page of the tab, not even for a moment.
    sent_before = len(visitor.sent)
    page.reload()
    wait_for_event(
        page,
        "screenshare",
        {"screenshareView": "glance_screenshare", "state": "continued", "paused": False},
    )
    wait_playing(view_frame(page))
    assert not mirror_frames(Visitor(page=page, sent=visitor.sent[sent_before:]))

    viewer.get_by_role("button", name="End reverse session").click()

    wait_for_event(page, "reverseended")
    wait_for_event(page, "sessionend")
    expect(viewer.locator("#viewer")).to_have_attribute("data-state", "ended")
    expect(page.locator("iframe#glance_screenshare")).to_have_count(0)


def test_visitor_declines_a_reverse_session(server, pages_url, open_visitor, open_viewer):
    visitor, viewer = sharing(open_visitor, open_viewer, f"{pages_url}/share.html")
    page = visitor.page
    viewer.get_by_role("button", name="Invite to reverse session").click()
    dialog = page.get_by_role("alertdialog", name="Watch the agent's screen?")

    dialog.get_by_role("button", name="No thanks").click()

    expect(viewer.locator("#viewer")).to_have_attribute("data-reverse", "declined")
    expect(viewer.locator(".reverse-status")).to_have_text(
        "The visitor declined the reverse session."
    )
    expect(dialog).to_have_count(0)
    # The session goes on, and the agent may ask again.
    expect(viewer.get_by_role("button", name="Invite to reverse session")).to_be_visible()
    assert page.evaluate("GLANCE.Cobrowse.Visitor.inSession()")


def test_withdrawn_invitation_hides_the_pending_dialog(
    server, pages_url, open_visitor, open_viewer
):
    visitor, viewer = sharing(open_visitor, open_viewer, f"{pages_url}/share.html")
    page = visitor.page
    viewer.get_by_role("button", name="Invite to reverse session").click()
    dialog = page.get_by_role("alertdialog", name="Watch the agent's screen?")
    expect(dialog).to_be_visible()

    viewer.get_by_role("button", name="Withdraw invitation").click()

    wait_for_event(page, "reverseended")
    expect(dialog).to_have_count(0)
    expect(viewer.locator("#viewer")).to_have_attribute("data-reverse", "ended")
    # Only an accepted reverse session ends the session.
    assert page.evaluate("GLANCE.Cobrowse.Visitor.inSession()")
    expect(viewer.locator("#viewer")).to_have_attribute("data-state", "live")
    # A late answer to the withdrawn invitation is not sent.
    sent = len(visitor.sent)
    page.evaluate("window.reverse.accept()")
    page.locator("#heading").click()
    assert not [text for text in visitor.sent[sent:] if json.loads(text).get("t") == "reverse"]


def test_an_answer_in_one_tab_closes_the_invitation_in_the_other(
    server, pages_url, open_visitor, open_viewer
):
    visitor, viewer = sharing(open_visitor, open_viewer, f"{pages_url}/share.html")
    first = visitor.page
    with first.context.expect_page() as opened:
        first.evaluate("window.open('share.html')")
    second = opened.value
    wait_for_event(second, "statereceived")
    name = "Watch the agent's screen?"

    viewer.get_by_role("button", name="Invite to reverse session").click()

    expect(first.get_by_role("alertdialog", name=name)).to_be_visible()
    expect(second.get_by_role("alertdialog", name=name)).to_be_visible()
    sent = len(visitor.sent)
    second.get_by_role("alertdialog", name=name).get_by_role("button", name="No thanks").click()

    expect(viewer.locator("#viewer")).to_have_attribute("data-reverse", "declined")
    expect(first.get_by_role("alertdialog", name=name)).to_have_count(0)
    # The first tab's callbacks answer nothing any more: no second answer, no bad_state.
    first.evaluate("window.reverse.accept()")
    first.locator("#heading").click()
    assert not [text for text in visitor.sent[sent:] if json.loads(text).get("t") == "reverse"]
    expect(viewer.locator("#viewer")).to_have_attribute("data-reverse", "declined")


def test_custom_ui_answers_a_reverse_invitation_through_its_callbacks(
    server, pages_url, open_visitor, open_viewer
):
    visitor, viewer = sharing(open_visitor, open_viewer, f"{pages_url}/share-custom.html")
    page = visitor.page
    viewer.get_by_role("button", name="Invite to reverse session").click()
    wait_for_event(page, "reverseconfirm", "callbacks")
    expect(page.get_by_role("alertdialog")).to_have_count(0)

    page.evaluate("window.reverse.decline()")

    expect(viewer.locator("#viewer")).to_have_attribute("data-reverse", "declined")


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
