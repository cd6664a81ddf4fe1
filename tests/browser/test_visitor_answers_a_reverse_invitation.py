"""An agent invites the visitor to a reverse session (the visitor shows their screen): the
visitor accepts or declines, in the default dialog, another tab or a custom UI's callbacks,
and a withdrawn invitation hides the dialog.

The setting: two Chromium contexts on loopback, with Chromium's fake camera
and fake screen (tests/servers.py), WebRTC between the agent's viewer and the view iframe
in the visitor's page, signalled over the session sockets."""

import json

from playwright.sync_api import expect

from tests.browser.conftest import (
    Visitor,
    mirror_frames,
    share,
    sharing,
    view_frame,
    wait_for_event,
    wait_playing,
)


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
