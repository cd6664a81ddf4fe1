"""An agent works the dashboard as a queue: a new session shows first and highlighted with
the visitor's name, page and waiting time; the agent filters and sorts the list."""

import re
import uuid

from playwright.sync_api import Page, expect

from tests.browser.conftest import dashboard

START_AS = """(name) => new Promise((resolve, reject) => {
  const visitor = GLANCE.Cobrowse.Visitor;
  visitor.addEventListener("sessionstart", () => resolve(visitor.getKey()));
  visitor.addEventListener("error", (e) => reject(new Error(e.code + ": " + e.msg)));
  visitor.startSession(name ? { name } : undefined);
})"""


def start_as(open_visitor, url: str, name: str | None) -> str:
    return open_visitor(url).page.evaluate(START_AS, name)


def keys(agent: Page) -> list[str]:
    return agent.locator("#sessions tbody tr").evaluate_all("rows => rows.map(r => r.dataset.key)")


def test_new_session_shows_first_and_highlighted_with_the_visitor_and_page(
    server, open_visitor, open_viewer, new_context
):
    agent = dashboard(new_context, server)
    joined = start_as(open_visitor, f"{server.url}/demo/", "Joined Visitor")
    open_viewer(joined, username="agent2")
    expect(agent.locator(f"#sessions tr[data-key='{joined}'] .agents")).to_have_text("1")

    key = start_as(open_visitor, f"{server.url}/demo/checkout/", "Ada Lovelace")

    row = agent.locator(f"#sessions tr[data-key='{key}']")
    expect(row.locator(".visitor")).to_have_text("Ada Lovelace")
    expect(row.locator(".page-title")).to_have_text("Checkout · Tandem demo shop")
    expect(row.locator(".page-url")).to_have_text(f"{server.url}/demo/checkout/")
    expect(row).to_have_class("unjoined fresh")
    expect(row.locator(".browser")).to_have_text(re.compile(r"^(Headless )?Chrome \d+ on Linux$"))
    expect(row.locator(".waiting")).to_have_text(re.compile(r"^waiting \d+:\d\d$"))
    assert keys(agent)[0] == key
    # The waiting time counts up while the page is open.
    first = row.locator(".waiting").inner_text()
    expect(row.locator(".waiting")).not_to_have_text(first, timeout=5000)
    joined_row = agent.locator(f"#sessions tr[data-key='{joined}']")
    expect(joined_row.locator(".waiting")).to_contain_text("in session")


def test_agent_filters_by_visitor_page_or_key_and_shows_unjoined_only(
    server, open_visitor, open_viewer, new_context
):
    agent = dashboard(new_context, server)
    tag = uuid.uuid4().hex[:6]
    ada = start_as(open_visitor, f"{server.url}/demo/checkout/", f"Ada Lovelace {tag}")
    bob = start_as(open_visitor, f"{server.url}/demo/", f"Bob Moses {tag}")
    expect(agent.locator(f"#sessions tr[data-key='{bob}']")).to_be_visible()

    agent.get_by_label("Filter").fill(tag)
    expect(agent.locator("#sessions tbody tr")).to_have_count(2)
    agent.get_by_label("Filter").fill(f"lovelace {tag}")
    expect(agent.locator("#sessions tbody tr")).to_have_count(1)
    assert keys(agent) == [ada]
    agent.get_by_label("Filter").fill(bob)
    expect(agent.locator("#sessions tbody tr")).to_have_count(1)
    assert keys(agent) == [bob]
    expect(agent.locator("#session-count")).to_contain_text("1 of ")
    agent.get_by_label("Filter").fill("Checkout · Tandem")
    expect(agent.locator(f"#sessions tr[data-key='{ada}']")).to_be_visible()
    expect(agent.locator(f"#sessions tr[data-key='{bob}']")).to_have_count(0)
    # A filter that matches nothing says so, rather than showing an empty table.
    no_match = agent.get_by_text("No session matches the filter.")
    expect(no_match).to_be_hidden()
    agent.get_by_label("Filter").fill(f"nobody-{tag}")
    expect(agent.locator("#sessions tbody tr")).to_have_count(0)
    expect(no_match).to_be_visible()
    expect(agent.get_by_text("No active sessions right now.")).to_be_hidden()

    agent.get_by_label("Filter").fill(tag)
    open_viewer(bob, username="agent2")
    expect(agent.locator(f"#sessions tr[data-key='{bob}'] .agents")).to_have_text("1")
    agent.get_by_label("Unjoined only").check()
    expect(agent.locator("#sessions tbody tr")).to_have_count(1)
    assert keys(agent) == [ada]


def test_agent_sorts_by_waiting_time_or_newest_with_unjoined_first(
    server, open_visitor, open_viewer, new_context
):
    agent = dashboard(new_context, server)
    tag = uuid.uuid4().hex[:6]
    first = start_as(open_visitor, f"{server.url}/demo/", f"First {tag}")
    second = start_as(open_visitor, f"{server.url}/demo/", f"Second {tag}")
    third = start_as(open_visitor, f"{server.url}/demo/", f"Third {tag}")
    agent.get_by_label("Filter").fill(tag)
    expect(agent.locator("#sessions tbody tr")).to_have_count(3)

    assert keys(agent) == [third, second, first]  # newest first
    agent.get_by_label("Sort").select_option("waiting")
    assert keys(agent) == [first, second, third]  # longest waiting first

    open_viewer(first, username="agent2")
    expect(agent.locator(f"#sessions tr[data-key='{first}'] .agents")).to_have_text("1")
    assert keys(agent) == [second, third, first]  # joined sessions go after the waiting ones
    expect(agent.locator(f"#sessions tr[data-key='{first}']")).not_to_have_class("unjoined")
