"""An agent shows the visitor their screen inside the visitor's page (in the default UI or
a custom UI's iframes), never in the mirror, one agent at a time.

The setting: two Chromium contexts on loopback, with Chromium's fake camera
and fake screen (tests/servers.py), WebRTC between the agent's viewer and the view iframe
in the visitor's page, signalled over the session sockets."""

from playwright.sync_api import expect

from tests.browser.conftest import (
    VIEW_URL,
    mirror_frames,
    replay,
    share,
    sharing,
    view_frame,
    wait_for_event,
    wait_playing,
)


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
