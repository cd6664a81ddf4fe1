"""The dashboard redraws a row when what it shows changes (a visitor's page reports, a
session's page or agents change). An agent in the middle of something in that row keeps
it: the message half typed, the caret, the control that has the keyboard focus."""

from playwright.sync_api import Page, expect

from tests.browser.conftest import dashboard
from tests.browser.test_agent_works_the_queue import START_AS

VISITOR = "#visitors tr[data-visitor='72:shopper-ui']"


def report(page: Page, data: dict) -> None:
    page.evaluate("(data) => GLANCE.Presence.Visitor.instance.presence({data})", data)


def test_a_half_typed_message_survives_the_visitors_page_reporting(
    server, pages_url, open_visitor, new_context
):
    agent = dashboard(new_context, server)
    page = open_visitor(f"{pages_url}/presence-on-ui.html").page
    field = agent.locator(VISITOR).get_by_role("textbox", name="Message for shopper-ui")
    field.click()
    agent.keyboard.type("Free deliv")

    report(page, {"cart": 3})
    expect(agent.locator(f"{VISITOR} td.data")).to_contain_text("cart=3")

    expect(field).to_have_value("Free deliv")
    expect(field).to_be_focused()
    agent.keyboard.press("Home")
    report(page, {"cart": 4})
    expect(agent.locator(f"{VISITOR} td.data")).to_contain_text("cart=4")
    agent.keyboard.type("A ")  # the caret stayed where the agent put it
    agent.keyboard.press("End")
    agent.keyboard.type("ery today")
    expect(field).to_have_value("A Free delivery today")

    # A message typed into a row that has since lost the focus is kept as well.
    agent.get_by_role("textbox", name="Visitor id or code").click()
    report(page, {"cart": 5})
    expect(agent.locator(f"{VISITOR} td.data")).to_contain_text("cart=5")
    expect(field).to_have_value("A Free delivery today")

    field.press("Enter")
    expect(page.get_by_role("region", name="Message from the support team")).to_contain_text(
        "A Free delivery today"
    )
    expect(field).to_have_value("")


def test_the_focused_session_link_keeps_the_focus_when_another_session_changes(
    server, open_visitor, new_context
):
    first = open_visitor(f"{server.url}/demo/checkout/").page.evaluate(START_AS, "Ada")
    agent = dashboard(new_context, server)
    link = agent.locator(f"#sessions tr[data-key='{first}'] a.watch")
    link.focus()
    expect(link).to_be_focused()

    # Another visitor starts a session: the queue redraws every row.
    second = open_visitor(f"{server.url}/demo/").page.evaluate(START_AS, "Grace")
    expect(agent.locator(f"#sessions tr[data-key='{second}']")).to_be_visible()

    expect(link).to_be_focused()
