"""An agent logs out in another tab: its viewer stops showing the customer's page at once
and says so, its dashboard empties, and neither comes back by itself."""

from playwright.sync_api import expect

from tests.browser.conftest import log_in, replay
from tests.browser.test_agent_reconnects import RECORD_STATES


def test_logging_out_in_another_tab_stops_the_viewer_and_the_dashboard(
    server, open_visitor, new_context
):
    visitor = open_visitor(f"{server.url}/demo/")
    key = visitor.start()
    context = new_context(viewport={"width": 1200, "height": 800})
    viewer = context.new_page()
    viewer.add_init_script(f"({RECORD_STATES})()")
    log_in(viewer, server)
    dashboard = context.new_page()
    dashboard.add_init_script(f"({RECORD_STATES})()")
    dashboard.goto(f"{server.url}/agent/")
    expect(dashboard.locator(f"#sessions tr[data-key='{key}']")).to_be_visible()
    with viewer.expect_event("websocket") as opened:
        viewer.goto(f"{server.url}/agent/session/{key}/")
    viewer_socket = opened.value
    expect(viewer.locator("#viewer")).to_have_attribute("data-state", "live")
    expect(replay(viewer).locator("#heading")).to_have_text("Notebooks")

    other_tab = context.new_page()
    other_tab.goto(f"{server.url}/agent/")
    other_tab.get_by_role("button", name="Log out").click()

    expect(viewer.locator("#viewer")).to_have_attribute("data-state", "signed-out")
    expect(viewer.locator("#viewer .status")).to_contain_text("signed out")
    expect(viewer.locator("#viewer .stage iframe")).to_have_count(0)  # the page is gone
    expect(dashboard.locator("#connection")).to_contain_text("signed out")
    expect(dashboard.locator("#sessions tbody tr")).to_have_count(0)
    expect(dashboard.locator("#availability")).to_be_disabled()
    # The socket closed for good: the page never went back to reconnecting.
    if not viewer_socket.is_closed():
        viewer_socket.wait_for_event("close")
    assert "reconnecting" not in viewer.evaluate("window.states")
    assert "reconnecting" not in dashboard.evaluate("window.states")
    expect(visitor.page.get_by_role("region", name="Co-browsing")).not_to_contain_text(
        "agent is viewing"
    )


def test_a_signed_out_page_stays_out_when_the_close_after_it_is_lost(
    server, open_visitor, new_context
):
    """The server says "signed out" and closes with 4401, but the network drops before that
    close arrives (the browser sees 1006): the viewer and the dashboard still take the
    error frame as the end and never try again."""
    visitor = open_visitor(f"{server.url}/demo/")
    key = visitor.start()
    context = new_context(viewport={"width": 1200, "height": 800})
    cut: list[str] = []

    def drop_the_close(ws):
        upstream = ws.connect_to_server()

        def from_server(message):
            ws.send(message)
            if '"code":"unauthenticated"' in str(message):
                cut.append(ws.url)
                # The network is down both ways: the server's side goes too, so that no
                # routed connection is left open for the context to wait on as it closes.
                ws.close(code=1006, reason="network down")
                upstream.close()

        upstream.on_message(from_server)
        ws.on_message(upstream.send)

    viewer = context.new_page()
    viewer.add_init_script(f"({RECORD_STATES})()")
    log_in(viewer, server)
    viewer.route_web_socket("**/ws/agent/**", drop_the_close)
    dashboard = context.new_page()
    dashboard.add_init_script(f"({RECORD_STATES})()")
    dashboard.route_web_socket("**/ws/agent/**", drop_the_close)
    dashboard.goto(f"{server.url}/agent/")
    expect(dashboard.locator(f"#sessions tr[data-key='{key}']")).to_be_visible()
    viewer.goto(f"{server.url}/agent/session/{key}/")
    expect(viewer.locator("#viewer")).to_have_attribute("data-state", "live")

    other_tab = context.new_page()
    other_tab.goto(f"{server.url}/agent/")
    other_tab.get_by_role("button", name="Log out").click()

    expect(viewer.locator("#viewer")).to_have_attribute("data-state", "signed-out")
    expect(dashboard.locator("#sessions")).to_have_attribute("data-connection", "closed")
    expect(dashboard.locator("#connection")).to_contain_text("signed out")
    assert len(cut) == 2
    assert "reconnecting" not in viewer.evaluate("window.states")
    assert "reconnecting" not in dashboard.evaluate("window.states")
    expect(viewer.locator("#viewer")).to_have_attribute("data-state", "signed-out")
