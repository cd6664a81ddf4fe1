"""An agent shows an online visitor its screen straight from the dashboard ("Show my
screen"): the visitor's page starts a session only for the reverse session, is asked to
watch, and its own page is never mirrored."""

import json
import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    Visitor,
    mirror_frames,
    share,
    view_frame,
    wait_for_event,
    wait_playing,
)
from tests.browser.test_presence import dashboard, visitor_row

VISITOR_ID = "watcher-1"


def show_my_screen(agent: Page, visitor: Visitor) -> str:
    """The agent clicks "Show my screen" on the visitor's row; its dashboard opens the
    viewer of the new session. Returns the session key."""
    row = visitor_row(agent, VISITOR_ID)
    row.get_by_role("button", name=f"Show my screen to {VISITOR_ID}").click()
    agent.wait_for_url(re.compile(r"/agent/session/\d{6}/(\?group=\d+)?$"))
    key = re.search(r"/agent/session/(\d{6})/", agent.url).group(1)
    wait_for_event(visitor.page, "reverseconfirm", "callbacks")
    assert visitor.page.evaluate("GLANCE.Cobrowse.Visitor.getKey()") == key
    return key


def sent_frames(visitor: Visitor, t: str) -> list[dict]:
    frames = [json.loads(text) for text in visitor.sent if text.startswith("{")]
    return [frame for frame in frames if frame.get("t") == t]


def test_visitor_watches_the_agents_screen_and_the_agent_ends_it(
    server, pages_url, open_visitor, new_context
):
    agent = dashboard(new_context, server)
    visitor = open_visitor(f"{pages_url}/presence-reverse.html")
    page = visitor.page

    show_my_screen(agent, visitor)

    [start] = sent_frames(visitor, "start")
    assert start["reverse"] is True
    expect(agent.locator("#viewer")).to_have_attribute("data-reverse", "invited")
    expect(agent.locator("#viewer")).to_have_attribute("data-state", "reverse")
    dialog = page.get_by_role("alertdialog", name="Watch the agent's screen?")
    dialog.get_by_role("button", name="Watch").click()
    expect(agent.locator("#viewer")).to_have_attribute("data-reverse", "accepted")
    expect(agent.locator(".reverse-status")).to_contain_text("the visitor accepted")

    share(agent)

    wait_playing(view_frame(page))
    agent.get_by_role("button", name="End reverse session").click()
    wait_for_event(page, "reverseended")
    wait_for_event(page, "sessionend")
    expect(agent.locator("#viewer")).to_have_attribute("data-state", "ended")
    # The visitor's page was never recorded, nor its recorder loaded (and no frame it
    # sent was binary, so none escaped the check).
    assert not mirror_frames(visitor)
    assert all(text.startswith("{") for text in visitor.sent)
    assert not page.evaluate(
        "performance.getEntriesByType('resource').some((e) => e.name.includes('recorder'))"
    )


def test_visitor_declines_and_the_session_ends(server, pages_url, open_visitor, new_context):
    agent = dashboard(new_context, server)
    visitor = open_visitor(f"{pages_url}/presence-reverse.html")
    page = visitor.page
    show_my_screen(agent, visitor)
    dialog = page.get_by_role("alertdialog", name="Watch the agent's screen?")

    dialog.get_by_role("button", name="No thanks").click()

    expect(agent.locator("#viewer")).to_have_attribute("data-reverse", "declined")
    expect(agent.locator(".reverse-status")).to_have_text(
        "The visitor declined the reverse session."
    )
    expect(agent.locator("#viewer")).to_have_attribute("data-state", "ended")
    wait_for_event(page, "sessionend")
    assert not page.evaluate("GLANCE.Cobrowse.Visitor.inSession()")
    assert not mirror_frames(visitor)
