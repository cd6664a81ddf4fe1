"""An agent in several sessions switches between them from the viewer's header."""

from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_agent_works_the_queue import START_AS


def test_switcher_lists_the_agents_other_sessions_and_opens_one(server, open_visitor, new_context):
    context = new_context(viewport={"width": 1280, "height": 800})
    first_tab = context.new_page()
    log_in(first_tab, server)
    first = open_visitor(f"{server.url}/demo/").page.evaluate(START_AS, "First Caller")
    first_tab.goto(f"{server.url}/agent/session/{first}/")
    expect(first_tab.locator("#viewer")).to_have_attribute("data-state", "live")
    second = open_visitor(f"{server.url}/demo/").page.evaluate(START_AS, "Second Caller")
    second_tab = context.new_page()
    second_tab.goto(f"{server.url}/agent/session/{second}/")
    expect(second_tab.locator("#viewer")).to_have_attribute("data-state", "live")

    switcher = second_tab.get_by_role("navigation", name="Your sessions")
    switcher.locator("summary").click()
    expect(switcher.get_by_role("link")).to_have_count(1)
    expect(switcher).to_contain_text(f"Session {second} (this one)")
    switcher.get_by_role("link", name=f"First Caller · {first}").click()

    second_tab.wait_for_url(f"**/agent/session/{first}/**")
    expect(second_tab.locator("#viewer")).to_have_attribute("data-state", "live")
    expect(second_tab.locator("#viewer .visitor")).to_have_text("First Caller")
