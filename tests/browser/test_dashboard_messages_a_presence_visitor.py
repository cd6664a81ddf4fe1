"""The dashboard's message to a visitor of a `data-presence="on"` page: the default UI
shows it, or the page's own onsignal on the auto-created presence visitor takes it, and
the dashboard says "delivered" only then."""

from playwright.sync_api import Page, expect

from tests.browser.conftest import dashboard


def send_message(agent: Page, visitor_id: str, text: str) -> None:
    row = agent.locator(f"#visitors tr[data-visitor='72:{visitor_id}']")
    row.get_by_role("textbox", name=f"Message for {visitor_id}").fill(text)
    row.get_by_role("button", name="Send").click()


def test_default_ui_shows_the_message_and_the_dashboard_says_delivered(
    server, pages_url, open_visitor, new_context
):
    agent = dashboard(new_context, server)
    page = open_visitor(f"{pages_url}/presence-on-ui.html").page
    expect(agent.locator("#visitors tr[data-visitor='72:shopper-ui']")).to_have_count(1)

    send_message(agent, "shopper-ui", "Free delivery today!")

    notice = page.get_by_role("region", name="Message from the support team")
    expect(notice).to_contain_text("Free delivery today!")
    expect(agent.locator("#signal-status")).to_have_text(
        "Message delivered to shopper-ui: their page showed it."
    )
    notice.get_by_role("button", name="Dismiss").click()
    expect(notice).to_be_hidden()


def test_page_sets_onsignal_on_the_auto_created_visitor_and_takes_the_message(
    server, pages_url, open_visitor, new_context
):
    agent = dashboard(new_context, server)
    page = open_visitor(f"{pages_url}/presence-on-onsignal.html").page
    expect(agent.locator("#visitors tr[data-visitor='72:shopper-own']")).to_have_count(1)

    send_message(agent, "shopper-own", "Need a hand?")

    page.wait_for_function("() => window.signals.length === 1")
    assert page.evaluate("window.signals") == [{"text": "Need a hand?"}]
    expect(agent.locator("#signal-status")).to_have_text(
        "Message delivered to shopper-own: their page showed it."
    )
    # The page's handler took it: the default UI shows no notice of its own.
    expect(page.get_by_role("region", name="Message from the support team")).to_have_count(0)


def test_page_with_nothing_to_show_a_message_is_not_reported_as_delivered(
    server, pages_url, open_visitor, new_context
):
    agent = dashboard(new_context, server)
    page = open_visitor(f"{pages_url}/presence-on.html").page  # data-ui="custom", no onsignal
    expect(agent.locator("#visitors tr[data-visitor='72:shopper-1']")).to_have_count(1)

    send_message(agent, "shopper-1", "Hello?")

    expect(agent.locator("#signal-status")).to_have_text(
        "Message reached shopper-1's page, but nothing on it shows messages."
    )
    assert page.evaluate("GLANCE.Presence.Visitor.instance.visitorid") == "shopper-1"
