"""A presence visitor browses the site: each click on a link closes its page's connection
and the next page opens a new one. To the agent on the dashboard it is the same visitor,
online all along: the row stays, with the message the agent is typing to it and the time
the visitor came online."""

from playwright.sync_api import expect

from tests.browser.conftest import dashboard

VISITOR = "#visitors tr[data-visitor='72:shopper-ui']"


def test_a_half_typed_message_and_online_since_survive_the_visitor_going_to_another_page(
    server, pages_url, open_visitor, new_context
):
    agent = dashboard(new_context, server)
    page = open_visitor(f"{pages_url}/presence-on-ui.html").page
    row = agent.locator(VISITOR)
    since = row.locator("td.since")
    expect(since).not_to_have_text("")
    came_online = since.inner_text()
    field = row.get_by_role("textbox", name="Message for shopper-ui")
    field.click()
    agent.keyboard.type("Free deliv")

    page.goto(f"{pages_url}/presence-on-ui.html?page=2")
    expect(row.locator("td.page")).to_have_attribute(
        "title", f"{pages_url}/presence-on-ui.html?page=2"
    )

    expect(field).to_have_value("Free deliv")
    expect(field).to_be_focused()
    expect(since).to_have_text(came_online)
