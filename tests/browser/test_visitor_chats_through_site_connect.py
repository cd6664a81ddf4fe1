"""Chat on a site_connect page: the chat buttons follow the agents' availability, a click
opens the frame, an agent's message starts a proactive chat, and the chat of a session
goes both ways."""

from playwright.sync_api import expect

from tests.browser.conftest import (
    cobrowse_by_code,
    dashboard,
    frame_element,
    ready_code,
    seen,
    site_connect_frame,
    visitor_row,
    wait_seen,
)


def test_agent_availability_flips_the_chat_buttons(site_connect_page, available_agent):
    page = site_connect_page()
    wait_seen(page, "~/site_connect/chat_button/help/disabled", {"id": "help"})
    button = page.get_by_role("button", name="Chat with us")
    expect(button).to_be_disabled()
    agent = available_agent()
    switch = agent.get_by_label("Available")

    switch.check()

    wait_seen(page, "~/site_connect/chat_button/help/enabled", {"id": "help"})
    expect(button).to_be_enabled()
    assert seen(page, "~/site_connect/agents") == [{"available": False}, {"available": True}]
    switch.uncheck()
    expect(button).to_be_disabled()
    buttons = [
        (topic, msg)
        for filter_, topic, msg in page.evaluate("window.seen")
        if filter_ == "~/site_connect/chat_button/help/+"
    ]
    assert buttons == [
        ("~/site_connect/chat_button/help/disabled", {"id": "help"}),
        ("~/site_connect/chat_button/help/enabled", {"id": "help"}),
        ("~/site_connect/chat_button/help/disabled", {"id": "help"}),
    ]


def test_clicking_a_chat_button_publishes_chat_trigger_and_shows_the_frame(
    site_connect_page, available_agent
):
    page = site_connect_page()
    code = ready_code(page)
    agent = available_agent()
    agent.get_by_label("Available").check()
    button = page.get_by_role("button", name="Chat with us")
    expect(button).to_be_enabled()

    button.click()

    wait_seen(page, "~pagesession/chat/trigger", {"id": "help"})
    wait_seen(page, "~pagesession/show_frame", {"reason": "chat"})
    expect(frame_element(page)).to_be_visible()
    # The agents see that the visitor asked for a chat.
    expect(visitor_row(agent, code).locator(".data")).to_have_text(
        "via=site_connect, chat=requested, button=help"
    )


def test_an_agents_message_to_the_code_publishes_proactive_trigger(
    site_connect_page, server, new_context
):
    page = site_connect_page()
    code = ready_code(page)
    agent = dashboard(new_context, server)
    row = visitor_row(agent, code)

    row.get_by_role("textbox", name=f"Message for {code}").fill("Can I help you choose?")
    row.get_by_role("button", name="Send").click()

    wait_seen(page, "~pagesession/proactive/trigger", {"data": {"text": "Can I help you choose?"}})
    wait_seen(page, "~pagesession/show_frame", {"reason": "proactive"})
    expect(site_connect_frame(page).locator("#messages")).to_contain_text("Can I help you choose?")


def test_chat_messages_of_a_session_go_both_ways(site_connect_page, server, new_context):
    page = site_connect_page()
    code = ready_code(page)
    agent = dashboard(new_context, server)
    cobrowse_by_code(agent, code, page)
    wait_seen(page, "~pagesession/cobrowsing/start")
    chat = agent.get_by_role("complementary", name="Chat with the visitor")

    chat.get_by_label("Message").fill("Take a medium")
    chat.get_by_role("button", name="Send").click()

    wait_seen(
        page, "~pagesession/chat/message", {"data": "Take a medium", "name": "agent", "from": 1}
    )
    page.evaluate("site_connect.publish('~pagesession/chat/send', 'Which colour?')")
    expect(chat.locator("li.visitor .who")).to_have_text("Visitor")
    expect(chat.locator("li.visitor .text")).to_have_text("Which colour?")
    page.evaluate("site_connect.publish('~pagesession/show_frame')")
    frame = site_connect_frame(page)
    expect(frame.locator("#messages")).to_contain_text("Take a medium")
    frame.get_by_label("Message to the agent").fill("And in blue?")
    frame.get_by_role("button", name="Send").click()
    expect(chat.locator("li.visitor .text").nth(1)).to_have_text("And in blue?")
