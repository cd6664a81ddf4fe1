"""An agent hears of a new session wherever it is: a count in the dashboard's tab title
until it looks, an optional tone, an optional desktop notification (the browser asks for
permission only when the agent clicks), and a notice in a viewer tab."""

from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in
from tests.browser.test_agent_works_the_queue import START_AS

# The agent looks elsewhere (another window in front): the page is not focused.
LOOK_AWAY = "() => { document.hasFocus = () => false; }"
# The agent comes back to the tab.
LOOK_BACK = "() => { delete document.hasFocus; window.dispatchEvent(new Event('focus')); }"

# Records every desktop notification and permission request the page makes, and every
# tone it plays, on top of the browser's own.
RECORD = """
window.notes = [];
window.permissionAsked = 0;
const RealNotification = window.Notification;
class RecordedNotification extends RealNotification {
  constructor(title, options) {
    window.notes.push({ title, body: options && options.body });
    super(title, options);
  }
  static requestPermission() {
    window.permissionAsked += 1;
    return RealNotification.requestPermission();
  }
}
window.Notification = RecordedNotification;
window.tones = 0;
const RealAudio = window.AudioContext;
window.AudioContext = class extends RealAudio {
  createOscillator() { window.tones += 1; return super.createOscillator(); }
};
"""


def dashboard(new_context, server) -> Page:
    context = new_context(permissions=["notifications"])
    context.add_init_script(RECORD)
    page = context.new_page()
    log_in(page, server)
    expect(page.locator("#sessions")).to_have_attribute("data-ready", "true")
    return page


def test_title_badge_counts_new_sessions_until_the_agent_looks(server, open_visitor, new_context):
    agent = dashboard(new_context, server)
    agent.evaluate(LOOK_AWAY)

    for name in ("Ada", "Bob"):
        key = open_visitor(f"{server.url}/demo/").page.evaluate(START_AS, name)
        expect(agent.locator(f"#sessions tr[data-key='{key}']")).to_be_visible()

    expect(agent).to_have_title("(2) Dashboard · Tandem")
    agent.evaluate(LOOK_BACK)
    expect(agent).to_have_title("Dashboard · Tandem")


def test_desktop_notification_only_after_the_agent_enables_it(server, open_visitor, new_context):
    agent = dashboard(new_context, server)
    agent.evaluate(LOOK_AWAY)
    first = open_visitor(f"{server.url}/demo/").page.evaluate(START_AS, "Before")
    expect(agent.locator(f"#sessions tr[data-key='{first}']")).to_be_visible()
    assert agent.evaluate("[window.notes.length, window.permissionAsked]") == [0, 0]

    agent.get_by_role("button", name="Enable notifications").click()
    expect(agent.get_by_role("button", name="Turn off notifications")).to_be_visible()
    assert agent.evaluate("window.permissionAsked") == 1
    agent.evaluate(LOOK_AWAY)
    open_visitor(f"{server.url}/demo/checkout/").page.evaluate(START_AS, "Grace Hopper")

    agent.wait_for_function("window.notes.length === 1")
    note = agent.evaluate("window.notes[0]")
    assert note["title"] == "New co-browsing session: Grace Hopper"
    assert note["body"].startswith("On Checkout · Tandem demo shop")

    agent.reload()  # the choice is remembered
    expect(agent.get_by_role("button", name="Turn off notifications")).to_be_visible()


def test_sound_is_off_until_the_agent_turns_it_on_and_stays_on(server, open_visitor, new_context):
    agent = dashboard(new_context, server)
    sound = agent.get_by_label("Sound")
    expect(sound).not_to_be_checked()
    first = open_visitor(f"{server.url}/demo/").page.evaluate(START_AS, "Quiet")
    expect(agent.locator(f"#sessions tr[data-key='{first}']")).to_be_visible()
    assert agent.evaluate("window.tones") == 0

    sound.check()
    agent.reload()
    expect(agent.locator("#sessions")).to_have_attribute("data-ready", "true")
    expect(agent.get_by_label("Sound")).to_be_checked()
    open_visitor(f"{server.url}/demo/").page.evaluate(START_AS, "Loud")

    agent.wait_for_function("window.tones > 0")


def test_agent_in_a_viewer_is_told_of_a_new_session(server, open_visitor, open_viewer):
    watched = open_visitor(f"{server.url}/demo/").start()
    viewer = open_viewer(watched)

    open_visitor(f"{server.url}/demo/").page.evaluate(START_AS, "Newcomer")

    notice = viewer.locator("#viewer .queue-news")
    expect(notice).to_contain_text("New session waiting: Newcomer")
    notice.get_by_role("link").click()
    viewer.wait_for_url("**/agent/")
