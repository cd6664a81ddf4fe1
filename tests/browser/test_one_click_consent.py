"""One-click co-browse (the dashboard's Co-browse, a REST or presence invoke of
startSession) asks the visitor first, as Glance's one-click does: nothing of the page is
mirrored, nor even connected, before Accept; Decline tells the agent. A group may turn the
question off (Group.one_click_consent), and then the session starts at once."""

import json
import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import Visitor, dashboard, replay


def mirror_frames(visitor: Visitor) -> list[dict]:
    """The session frames the page sent: a start, and any mirror frame (ev, snap)."""
    frames = []
    for text in visitor.sent:
        try:
            frame = json.loads(text)
        except ValueError:
            frames.append({"t": "binary"})  # only mirror payloads are sent as binary
            continue
        if isinstance(frame, dict) and frame.get("t") in {"start", "ev", "snap"}:
            frames.append(frame)
    return frames


def session_sockets(page: Page) -> list[str]:
    urls: list[str] = []
    page.on("websocket", lambda ws: urls.append(ws.url) if "/ws/visitor/" in ws.url else None)
    return urls


def ask(agent: Page, visitor_id: str) -> None:
    row = agent.locator(f"#visitors tr[data-visitor$=':{visitor_id}']")
    row.get_by_role("button", name=f"Co-browse with {visitor_id}").click()


def test_one_click_cobrowse_asks_first_and_mirrors_nothing_before_accept(
    server, pages_url, open_visitor, new_context
):
    agent = dashboard(new_context, server)
    visitor = open_visitor(f"{pages_url}/presence-consent.html")
    page = visitor.page
    sockets = session_sockets(page)
    page.fill("#card", "4111111111111111")

    ask(agent, "asked-first")

    dialog = page.get_by_role("dialog", name="Let an agent see this page?")
    expect(dialog).to_be_visible()
    expect(agent.locator("#signal-status")).to_have_text(
        "Waiting for asked-first to accept co-browsing…"
    )
    assert mirror_frames(visitor) == []
    assert sockets == []
    assert page.evaluate("GLANCE.Cobrowse.Visitor.inSession()") is False
    assert re.search(r"/agent/$", agent.url)

    dialog.get_by_role("button", name="Accept").click()

    agent.wait_for_url(re.compile(r"/agent/session/\d{6}/(\?group=\d+)?$"))
    key = re.search(r"/agent/session/(\d{6})/", agent.url).group(1)
    page.wait_for_function("(key) => window.sessionKeys.includes(key)", arg=key)
    expect(agent.locator("#viewer")).to_have_attribute("data-state", "live")
    expect(replay(agent).locator("h1")).to_have_text("Consent first")
    assert next(frame["t"] for frame in mirror_frames(visitor)) == "start"


def test_declining_tells_the_agent_and_nothing_is_ever_mirrored(
    server, pages_url, open_visitor, new_context
):
    agent = dashboard(new_context, server)
    visitor = open_visitor(f"{pages_url}/presence-consent.html")
    page = visitor.page
    sockets = session_sockets(page)

    ask(agent, "asked-first")
    page.get_by_role("dialog", name="Let an agent see this page?").get_by_role(
        "button", name="Decline"
    ).click()

    expect(agent.locator("#signal-status")).to_have_text("asked-first declined co-browsing.")
    assert mirror_frames(visitor) == []
    assert sockets == []
    assert page.evaluate("GLANCE.Cobrowse.Visitor.inSession()") is False
    expect(page.get_by_role("dialog")).to_have_count(0)
    assert re.search(r"/agent/$", agent.url)


def test_a_custom_ui_asks_through_the_sessionconfirm_event(
    server, pages_url, open_visitor, new_context
):
    agent = dashboard(new_context, server)
    visitor = open_visitor(f"{pages_url}/presence-api.html")
    page = visitor.page
    page.evaluate("goOnline('custom-asks')")

    ask(agent, "custom-asks")

    page.wait_for_function("() => window.confirmations.length === 1")
    request = page.evaluate(
        """() => { const r = window.confirmations[0];
                   return {key: r.sessionKey, accept: typeof r.accept,
                           decline: typeof r.decline}; }"""
    )
    assert request["accept"] == request["decline"] == "function"
    assert re.fullmatch(r"\d{6}", request["key"])
    assert mirror_frames(visitor) == []

    page.evaluate("window.confirmations[0].decline()")

    expect(agent.locator("#signal-status")).to_have_text("custom-asks declined co-browsing.")
    assert mirror_frames(visitor) == []


def test_a_group_that_turned_consent_off_starts_at_once(
    server, pages_url, open_visitor, new_context
):
    agent = dashboard(new_context, server, "outsider")  # group 73: one_click_consent off
    visitor = open_visitor(f"{pages_url}/presence-no-consent.html")

    ask(agent, "not-asked")

    agent.wait_for_url(re.compile(r"/agent/session/\d{6}/(\?group=\d+)?$"))
    expect(replay(agent).locator("h1")).to_have_text("No consent asked")
    expect(visitor.page.get_by_role("dialog")).to_have_count(0)


def test_a_rest_invoke_of_start_session_asks_too_and_a_decline_reaches_the_dashboard(
    server, pages_url, open_visitor, new_context
):
    agent = dashboard(new_context, server)
    visitor = open_visitor(f"{pages_url}/presence-consent.html")
    expect(agent.locator("#visitors tr[data-visitor='72:asked-first']")).to_have_count(1)
    csrf = next(c["value"] for c in agent.context.cookies() if c["name"] == "csrftoken")
    start = {"func": "GLANCE.Cobrowse.Visitor.startSession", "args": {"sessionKey": "5517"}}

    response = agent.request.post(
        f"{server.url}/presence/signalvisitor",
        data={
            "groupid": 72,
            "visitorid": "asked-first",
            "mtype": "invoke",
            "data": start,
        },
        headers={"X-CSRFToken": csrf, "Referer": f"{server.url}/agent/"},
    )
    assert response.status == 200, response.text()

    dialog = visitor.page.get_by_role("dialog", name="Let an agent see this page?")
    expect(dialog).to_be_visible()
    assert mirror_frames(visitor) == []
    dialog.get_by_role("button", name="Decline").click()
    expect(agent.locator("#signal-status")).to_have_text("asked-first declined co-browsing.")
    assert mirror_frames(visitor) == []
