"""The agent dashboard lists its groups' live sessions as they start and end."""

from playwright.sync_api import expect

from tests.browser.conftest import log_in


def test_dashboard_shows_a_session_live_and_drops_it_when_it_ends(
    server, open_visitor, new_context
):
    agent = new_context().new_page()
    log_in(agent, server)
    expect(agent.locator("#sessions")).to_have_attribute("data-ready", "true")

    visitor = open_visitor(f"{server.url}/demo/")
    key = visitor.start()
    row = agent.locator(f"#sessions tr[data-key='{key}']")
    expect(row).to_contain_text("production")
    expect(row.locator(".agents")).to_have_text("0")

    row.locator("a.watch").click()
    agent.wait_for_selector("#viewer[data-state=live]")
    agent.go_back()
    expect(agent.locator(f"#sessions tr[data-key='{key}']")).to_be_visible()

    visitor.page.get_by_role("button", name="Stop sharing").click()
    expect(agent.locator(f"#sessions tr[data-key='{key}']")).to_have_count(0)


def test_dashboard_counts_the_agents_watching_each_session(
    server, open_visitor, open_viewer, new_context
):
    dashboard = new_context().new_page()
    log_in(dashboard, server)
    visitor = open_visitor(f"{server.url}/demo/")
    key = visitor.start()
    count = dashboard.locator(f"#sessions tr[data-key='{key}'] .agents")
    expect(count).to_have_text("0")

    first = open_viewer(key)
    expect(count).to_have_text("1")
    second = open_viewer(key, username="agent2")
    expect(count).to_have_text("2")
    first.close()
    expect(count).to_have_text("1")
    second.close()
    expect(count).to_have_text("0")


def test_agent_of_another_group_sees_neither_the_session_nor_its_mirror(
    server, open_visitor, new_context
):
    visitor = open_visitor(f"{server.url}/demo/")
    key = visitor.start()
    outsider = new_context().new_page()
    log_in(outsider, server, "outsider")
    expect(outsider.locator("#sessions")).to_have_attribute("data-ready", "true")
    expect(outsider.locator(f"#sessions tr[data-key='{key}']")).to_have_count(0)

    outsider.goto(f"{server.url}/agent/session/{key}/")
    # To an outsider the key is one not live (yet): the viewer waits, as for any such key.
    expect(outsider.locator("#viewer")).to_have_attribute("data-state", "not-live")
    expect(outsider.locator("#viewer .status")).to_have_text(
        f"Waiting for the visitor to start session {key}…"
    )
    assert outsider.locator("#viewer .stage iframe").count() == 0
    expect(visitor.page.get_by_role("region", name="Co-browsing")).to_contain_text("No agent yet")


def test_join_box_rejects_a_malformed_key(server, new_context):
    agent = new_context().new_page()
    log_in(agent, server)
    agent.fill("input[name=key]", "12 34!")
    agent.click(".join button")
    expect(agent.locator(".join .error")).to_contain_text("letters, digits")
