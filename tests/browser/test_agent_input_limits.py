"""An agent in control acts only where the visitor could: fields the visitor cannot edit
(hidden, not rendered, readonly, disabled) refuse the agent's input, as masked ones do.
The agent here is a modified client that names those nodes directly."""

import json
import re

from playwright.sync_api import WebSocketRoute, expect

from tests.browser.conftest import log_in, replay, wait_for_event


def node_ids(sent: list[str]) -> tuple[str, dict[str, int]]:
    """The page id of the latest snapshot the visitor sent, and its elements' node ids by
    their `id` attribute."""
    ids: dict[str, int] = {}
    page = ""

    def walk(node: dict) -> None:
        element_id = node.get("attributes", {}).get("id")
        if isinstance(element_id, str):
            ids[element_id] = node["id"]
        for child in node.get("childNodes", []):
            walk(child)

    for text in sent:
        frame = json.loads(text)
        if frame.get("t") != "snap" or "e" not in frame:
            continue
        page = frame["p"]
        for event in frame["e"]:
            if event["type"] == 2:
                walk(event["data"]["node"])
    return page, ids


def test_agent_input_into_fields_the_visitor_cannot_edit_is_refused(
    server, pages_url, open_visitor, new_context
):
    visitor = open_visitor(f"{pages_url}/control.html")
    key = visitor.start()
    viewer = new_context(viewport={"width": 1200, "height": 800}).new_page()
    sockets: list[WebSocketRoute] = []

    def through(route: WebSocketRoute) -> None:
        sockets.append(route.connect_to_server())

    viewer.route_web_socket(re.compile(r".*/ws/agent/session/.*"), through)
    log_in(viewer, server)
    viewer.fill("input[name=key]", key)
    viewer.click(".join button")
    viewer.wait_for_selector("#viewer[data-state=live]")
    expect(replay(viewer).locator("#heading")).to_have_text("Control")
    viewer.get_by_role("button", name="Request control").click()
    page = visitor.page
    page.wait_for_function("() => window.consent !== null")
    page.evaluate("window.consent.accept()")
    wait_for_event(page, "rc", {"enabled": True})
    expect(viewer.locator(".rc-status")).to_have_text("You have control of the visitor's page.")

    snapshot_page, ids = node_ids(visitor.sent)
    to_server = sockets[-1]
    for element_id, kind, value in [
        ("order", "input", "B-999"),
        ("plan", "input", "premium"),
        ("coupon", "input", "FREE"),
        ("price", "input", "0"),
        ("secret-button", "click", None),
    ]:
        frame = {"t": "input", "kind": kind, "p": snapshot_page, "id": ids[element_id]}
        if value is not None:
            frame["value"] = value
        to_server.send(json.dumps(frame))
        expect(viewer.locator(".rc-status")).to_have_text(
            "Only the visitor can use this part of the page."
        )
        viewer.evaluate("document.querySelector('.rc-status').textContent = ''")

    # An ordinary field still takes the agent's typing, after all the refusals.
    typed = {"t": "input", "kind": "input", "p": snapshot_page, "id": ids["name"], "value": "ok"}
    to_server.send(json.dumps(typed))
    expect(page.locator("#name")).to_have_value("ok")
    assert page.locator("#order").input_value() == "A-100"
    assert page.locator("#plan").input_value() == "basic"
    assert page.locator("#coupon").input_value() == "none"
    assert page.locator("#price").input_value() == "10"
    assert page.locator("#count").text_content() == "0"
