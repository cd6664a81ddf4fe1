"""A page that loads presence alone (`script=PresenceVisitor`) cannot co-browse: the
dashboard's Co-browse and Show my screen on its row would only send an invoke the page
ignores ("[Tandem] presence invoke of an unknown function ignored"), while the dashboard
says "Sent to lite-1." and the agent waits for a session that never comes."""

from playwright.sync_api import expect

from tests.browser.conftest import dashboard, visitor_row


def test_a_presence_only_visitor_is_not_offered_co_browsing_it_cannot_start(
    server, pages_url, open_visitor, new_context
):
    agent = dashboard(new_context, server)
    open_visitor(f"{pages_url}/presence-only.html")
    row = visitor_row(agent, "lite-1")
    expect(row.locator(".page")).to_have_text("Presence only")

    # Neither action is offered (or it is disabled) for a page without co-browsing.
    expect(row.locator("button.cobrowse:enabled:visible")).to_have_count(0)
    expect(row.locator("button.show-screen:enabled:visible")).to_have_count(0)
