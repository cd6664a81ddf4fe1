"""Chat both ways in the default visitor UI: the agent writes in the viewer, the visitor
reads it in the drawer (name, time, unread badge) and replies; none of it is mirrored."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import replay

START_AS = """([key, name]) => new Promise((resolve, reject) => {
  const visitor = GLANCE.Cobrowse.Visitor;
  visitor.addEventListener("sessionstart", () => resolve(visitor.getKey()));
  visitor.addEventListener("error", (e) => reject(new Error(e.code + ": " + e.msg)));
  visitor.startSession(name ? { sessionKey: key, name } : { sessionKey: key });
})"""

DRAWER_TEXTS = ["Chat with the agent", "Write a reply", "unread", "Close chat"]


def _chat(viewer, text: str) -> None:
    viewer.fill("#viewer .chat-form input[name=text]", text)
    viewer.click("#viewer .chat-form button")


def test_agent_and_visitor_chat_in_the_default_ui(server, pages_url, open_visitor, open_viewer):
    visitor = open_visitor(f"{pages_url}/ui.html")
    page = visitor.page
    key = page.evaluate(START_AS, ["482915", "Grace Hopper"])
    viewer = open_viewer(key)
    status = page.get_by_role("region", name="Co-browsing")
    expect(status).to_contain_text("agent is viewing")

    _chat(viewer, "Hello, I can see your basket.")
    _chat(viewer, "Which item is wrong?")

    launcher = status.get_by_role("button", name=re.compile("^Chat"))
    expect(launcher).to_have_accessible_name("Chat, 2 unread messages")
    expect(launcher.locator(".badge")).to_have_text("2")
    launcher.click()
    drawer = page.get_by_role("region", name="Chat with the agent")
    expect(drawer).to_be_visible()
    expect(launcher.locator(".badge")).to_be_hidden()
    first = drawer.locator("li").first
    expect(first.locator(".who")).to_have_text("agent")
    expect(first.locator("time")).to_have_text(re.compile(r"\d"))
    expect(first.locator(".body")).to_have_text("Hello, I can see your basket.")

    reply = drawer.get_by_role("textbox", name="Write a reply")
    expect(reply).to_be_focused()
    reply.fill("The blue mug, please.")
    reply.press("Enter")
    expect(drawer.locator("li.mine .body")).to_have_text("The blue mug, please.")
    expect(drawer.locator("li.mine .who")).to_have_text("You")

    from_visitor = viewer.locator("#viewer .messages li.visitor")
    expect(from_visitor.locator(".text")).to_have_text("The blue mug, please.")
    expect(from_visitor.locator(".who")).to_have_text("Grace Hopper")
    expect(from_visitor.locator("time")).to_have_text(re.compile(r"\d"))

    # The drawer is the UI's: never in the mirror, never in a mirror frame.
    mirror = replay(viewer)
    page.type("#note", "after-the-chat")
    expect(mirror.locator("#note")).to_have_value("after-the-chat")
    mirror_frames = "\n".join(f for f in visitor.sent if not f.startswith('{"t":"message"'))
    mirror_html = mirror.locator("html").evaluate("el => el.outerHTML")
    for text in [*DRAWER_TEXTS, "Hello, I can see your basket."]:
        assert text not in mirror_frames, text
        assert text not in mirror_html, text


def test_visitor_without_a_name_is_called_visitor_and_the_chat_outlives_a_page_change(
    server, pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/ui.html")
    page = visitor.page
    key = page.evaluate(START_AS, ["482914", None])
    viewer = open_viewer(key)
    status = page.get_by_role("region", name="Co-browsing")
    expect(status).to_contain_text("agent is viewing")

    status.get_by_role("button", name="Chat").click()
    page.get_by_role("textbox", name="Write a reply").fill("Hi there")
    page.get_by_role("button", name="Send").click()

    expect(viewer.locator("#viewer .messages li.visitor .who")).to_have_text("Visitor")

    # The next page of the session shows the conversation so far.
    page.reload()
    status = page.get_by_role("region", name="Co-browsing")
    expect(status).to_contain_text("agent is viewing")
    status.get_by_role("button", name="Chat").click()
    drawer = page.get_by_role("region", name="Chat with the agent")
    expect(drawer.locator("li.mine .body")).to_have_text("Hi there")
