"""Session keys as Glance's visitor API documents them: startSession takes a key (a string
or a number) or options; the visitor id is the default key; name, email and phone reach
the agent."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import replay, wait_for_event
from tests.browser.test_presence import dashboard, visitor_row

# The page's own call, as Glance's docs write it, resolved with the key it got.
START = """(arg) => new Promise((resolve, reject) => {
  const visitor = GLANCE.Cobrowse.Visitor;
  visitor.addEventListener("sessionstart", () => resolve(visitor.getKey()));
  visitor.addEventListener("error", (e) => reject(new Error(e.code + ": " + e.msg)));
  visitor.startSession(arg);
})"""


def test_a_string_key_in_glances_format_is_the_key_agents_join_by(
    server, pages_url, open_visitor, open_viewer
):
    page = open_visitor(f"{pages_url}/presence-api.html").page

    # Not the key the visitor-id test below gets from its page (59204gh-42): on the one
    # server all browser tests share, this session may still hold its key for a moment.
    assert page.evaluate(START, "60317ab-17") == "60317ab-17"

    viewer = open_viewer("60317ab-17")  # typed into the dashboard's join box
    expect(viewer.locator("#viewer h1")).to_have_text("Session 60317ab-17")
    expect(replay(viewer).locator("h1")).to_have_text("Presence by API")


def test_a_number_is_taken_as_the_key(server, pages_url, open_visitor):
    page = open_visitor(f"{pages_url}/presence-api.html").page

    assert page.evaluate(START, 80417) == "80417"


def test_the_visitor_id_is_the_default_key_and_the_agent_sees_who_it_is(
    server, pages_url, open_visitor, new_context
):
    agent = dashboard(new_context, server)
    page = open_visitor(f"{pages_url}/glance-visitor.html").page

    page.get_by_role("button", name="Show my screen").click()

    wait_for_event(page, "sessionstart")
    assert page.evaluate("GLANCE.Cobrowse.Visitor.getKey()") == "59204gh-42"
    row = agent.locator("#sessions tr[data-key='59204gh-42']")
    expect(row.locator(".visitor")).to_have_text("Joe Smith · jsmith@example.com · 314-555-1212")
    agent.get_by_label("Session key").fill("59204gh-42")
    agent.locator(".join button").click()
    expect(agent.locator("#viewer")).to_have_attribute("data-state", "live")
    expect(agent.locator("#viewer .visitor")).to_have_text(
        "Joe Smith · jsmith@example.com · 314-555-1212"
    )
    expect(replay(agent).locator("h1")).to_have_text("Your account")
    page.evaluate("GLANCE.Cobrowse.Visitor.stopSession()")


def test_data_visitorid_on_the_script_tag_is_the_default_key(server, pages_url, open_visitor):
    visitor = open_visitor(f"{pages_url}/plain.html")  # data-visitorid="v-123"

    assert visitor.start() == "v-123"
    visitor.page.evaluate("GLANCE.Cobrowse.Visitor.stopSession()")


def test_glance_keytype_random_gets_a_random_key_despite_the_visitor_id(
    server, pages_url, open_visitor
):
    page = open_visitor(f"{pages_url}/glance-visitor.html").page

    key = page.evaluate(START, {"sessionKey": "GLANCE_KEYTYPE_RANDOM"})

    assert re.fullmatch(r"\d{6}", key)


def test_a_visitor_id_that_is_no_session_key_leaves_the_key_random(server, pages_url, open_visitor):
    page = open_visitor(f"{pages_url}/presence-api.html").page
    page.evaluate("GLANCE_COBROWSE.visitorid = 'joe.smith@example.com'")

    assert re.fullmatch(r"\d{6}", page.evaluate(START, None))


def test_start_parameters_in_the_options_override_the_pages_and_are_kept_to_glances_bounds(
    server, pages_url, open_visitor, open_viewer
):
    page = open_visitor(f"{pages_url}/glance-visitor.html").page
    long_name = "Ann " + "B" * 100

    key = page.evaluate(START, {"sessionKey": "opts_1", "name": long_name, "phone": "555\n0100"})

    assert key == "opts_1"
    viewer = open_viewer(key)
    expect(viewer.locator("#viewer .visitor")).to_have_text(
        f"{long_name[:63]} · jsmith@example.com · 555 0100"
    )


def test_a_presence_invoke_of_start_session_without_a_key_uses_the_visitor_id(
    server, pages_url, open_visitor, new_context
):
    """Glance's REST example: invoke startSession with no arguments; the agent then joins
    by the visitor id it invoked."""
    agent = dashboard(new_context, server)
    page = open_visitor(f"{pages_url}/presence-api.html").page
    page.evaluate("goOnline('cust-1001')")
    expect(visitor_row(agent, "cust-1001")).to_be_visible()

    agent.evaluate(
        """() => new Promise((resolve, reject) => {
          const url = location.origin.replace("http", "ws") + "/ws/agent/dashboard/";
          const socket = new WebSocket(url);
          socket.onopen = () => {
            socket.send(JSON.stringify({t: "signal", group: 72, visitorid: "cust-1001",
              mtype: "invoke", data: {func: "GLANCE.Cobrowse.Visitor.startSession"}}));
            resolve();
          };
          socket.onerror = reject;
        })"""
    )

    # One-click consent: the page's own prompt (presence-api.html) accepts.
    page.wait_for_function("() => window.confirmations.length === 1")
    page.evaluate("window.confirmations[0].accept()")
    page.wait_for_function("() => window.sessionKeys.includes('cust-1001')")
    agent.goto(f"{server.url}/agent/session/cust-1001/")
    expect(agent.locator("#viewer")).to_have_attribute("data-state", "live")
    expect(replay(agent).locator("h1")).to_have_text("Presence by API")
