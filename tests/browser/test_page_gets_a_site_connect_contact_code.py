"""A site_connect page gets the contact code the agent finds the visitor by, through the
site-connect frame: while the server is busy it retries, and it gives up with an error."""

import re

from playwright.sync_api import WebSocketRoute, expect

from tests.browser.conftest import (
    dashboard,
    find_visitor,
    ready_code,
    seen,
    site_connect_frame,
    visitor_row,
    wait_seen,
)


def test_ready_brings_the_contact_code_the_agent_finds_the_visitor_by(
    site_connect_page, server, new_context
):
    page = site_connect_page()

    code = ready_code(page)

    assert re.fullmatch(r"[1-9]\d{5}", code)
    expect(page.locator("#code")).to_have_text(code)
    agent = dashboard(new_context, server)
    expect(find_visitor(agent, code)).to_have_count(1)
    row = visitor_row(agent, code)
    expect(row.locator(".page")).to_have_text("Garden shop support")
    expect(row.locator(".data")).to_have_text("via=site_connect")
    # A subscription made after the fact still hears the frame is ready (retained).
    page.evaluate(
        """() => site_connect.subscribe('~/site_connect/ready', (msg) => { window.late = msg; })"""
    )
    page.wait_for_function("(code) => window.late && window.late.code === code", arg=code)


def test_a_page_of_an_unknown_group_gets_error_and_no_frame(server, pages_url, open_visitor):
    page = open_visitor(f"{pages_url}/siteconnect-unknown.html").page

    wait_seen(page, "~/site_connect/error")
    for error in seen(page, "~/site_connect/error"):
        assert error["reason"].startswith("No group 999. Check the group number in the script")

    assert page.evaluate("window.acked") == ["~/site_connect/#"]
    assert page.locator("iframe").count() == 0


def refuse_presence(context, refusals: int | None) -> list[WebSocketRoute]:
    """The first `refusals` presence sockets (all of them: None) are dropped as soon as they
    open, as a busy server's are; later ones go through."""
    seen_routes: list[WebSocketRoute] = []

    def handle(route: WebSocketRoute) -> None:
        seen_routes.append(route)
        if refusals is None or len(seen_routes) <= refusals:
            route.close(code=1013, reason="Try again later")
        else:
            route.connect_to_server()

    context.route_web_socket(re.compile(r".*/ws/presence/.*"), handle)
    return seen_routes


def test_retry_while_the_server_is_busy_then_ready(server, pages_url, new_context):
    context = new_context()
    attempts = refuse_presence(context, refusals=2)
    page = context.new_page()

    page.goto(f"{pages_url}/siteconnect.html")

    code = ready_code(page)
    retries = seen(page, "~/site_connect/retry")
    # Jittered backoff: each wait in the upper half of its step of 1 s, 2 s, ...
    assert [r["attempt"] for r in retries] == [1, 2]
    assert all(500 * 2**i <= r["delay_ms"] <= 1000 * 2**i for i, r in enumerate(retries))
    assert len(attempts) == 3
    assert re.fullmatch(r"\d{6}", code)
    assert seen(page, "~/site_connect/error") == []


def test_error_once_the_frame_gives_up_getting_a_code(server, pages_url, new_context):
    context = new_context()
    attempts = refuse_presence(context, refusals=None)
    page = context.new_page()
    page.clock.install()
    page.goto(f"{pages_url}/siteconnect.html")

    # The longest each jittered wait can be.
    for attempt, delay in enumerate([1000, 2000, 4000, 8000], start=1):
        page.wait_for_function(
            "(n) => window.seen.filter(([f, t]) => t === '~/site_connect/retry').length === n",
            arg=attempt,
        )
        page.clock.run_for(delay)

    wait_seen(page, "~/site_connect/error")
    [error] = seen(page, "~/site_connect/error")
    assert "5 attempts" in error["reason"]
    assert len(attempts) == 5
    assert seen(page, "~/site_connect/ready") == []
    frame = site_connect_frame(page)
    expect(frame.locator("#status")).to_have_text("Support is not available right now.")
