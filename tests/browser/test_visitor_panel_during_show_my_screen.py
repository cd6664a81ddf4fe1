"""While the visitor watches the agent's screen ("Show my screen"), the panel says so, and
never that the visitor is sharing this page (it is not recorded then)."""

from playwright.sync_api import expect

from tests.browser.conftest import share, view_frame, wait_playing
from tests.browser.test_presence import dashboard
from tests.browser.test_reverse_from_dashboard import show_my_screen


def test_panel_says_the_agents_screen_is_shown(server, pages_url, open_visitor, new_context):
    agent = dashboard(new_context, server)
    visitor = open_visitor(f"{pages_url}/presence-reverse.html")
    page = visitor.page
    show_my_screen(agent, visitor)
    page.get_by_role("alertdialog", name="Watch the agent's screen?").get_by_role(
        "button", name="Watch"
    ).click()
    status = page.get_by_role("region", name="Co-browsing")
    title = status.locator(".title")
    expect(title).to_have_text("The agent is about to show you their screen")

    share(agent)
    wait_playing(view_frame(page))

    expect(title).to_have_text("You are watching the agent's screen")
    expect(status.get_by_text("The agent does not see this page while you watch.")).to_be_visible()
    expect(status.get_by_text("You are sharing this page")).to_have_count(0)
