"""A page written against site_connect's publish/subscribe API, run as its documentation
shows it with Tandem's script, and the agent on the other end: the contact code, co-browsing,
the frame, the chat buttons and the messages, one topic at a time."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Frame, Page, WebSocketRoute, expect

from tests.browser.conftest import log_in

FRAME_URL = re.compile(r"/cobrowse/site-connect/frame/\?")
SEEN = """([topic, msg]) => window.seen.some(([filter, seen, value]) => seen === topic
            && (msg === null || JSON.stringify(value) === JSON.stringify(msg)))"""
IN_SESSION = "() => GLANCE.Cobrowse.Visitor.inSession()"


def wait_seen(page: Page, topic: str, msg: object = None) -> None:
    """Until a subscription of the page (window.seen) got `topic` (with `msg`, if given)."""
    page.wait_for_function(SEEN, arg=[topic, msg])


def seen(page: Page, topic: str) -> list:
    """The messages of `topic` the page's `~/site_connect/#` or `~pagesession/#` got."""
    return [
        msg
        for filter_, got, msg in page.evaluate("window.seen")
        if got == topic and filter_ in ("~/site_connect/#", "~pagesession/#")
    ]


def ready_code(page: Page) -> str:
    wait_seen(page, "~/site_connect/ready")
    [ready] = seen(page, "~/site_connect/ready")
    return ready["code"]


def site_connect_frame(page: Page) -> Frame:
    frame = page.frame(url=FRAME_URL)
    assert frame is not None
    return frame


def dashboard(new_context, server) -> Page:
    page = new_context().new_page()
    log_in(page, server)
    expect(page.locator("#sessions")).to_have_attribute("data-ready", "true")
    return page


def visitor_row(agent: Page, code: str):
    """The visitor of contact code `code` in the dashboard's live list of visitors."""
    return agent.locator(f"#visitors tr[data-visitor='72:{code}']")


def find_visitor(agent: Page, code: str):
    """The agent looks the code up, as one read out on the phone."""
    find = agent.locator("#find-visitor")
    find.get_by_label("Visitor id or code").fill(code)
    find.get_by_role("button", name="Find").click()
    return agent.locator(f"#found-visitor tr[data-visitor='72:{code}']")


def cobrowse_by_code(agent: Page, code: str, page: Page) -> str:
    """The agent finds the visitor by the code it read out and clicks Co-browse; the
    visitor accepts in the page's own consent prompt."""
    find_visitor(agent, code).get_by_role("button", name=f"Co-browse with {code}").click()
    page.wait_for_function("() => window.confirmations.length > 0")
    page.evaluate("window.confirmations.at(-1).accept()")
    agent.wait_for_url(re.compile(r"/agent/session/\d{6}/(\?group=\d+)?$"))
    expect(agent.locator("#viewer")).to_have_attribute("data-state", "live")
    return re.search(r"/agent/session/(\d{6})/", agent.url).group(1)


@pytest.fixture
def shop(server, pages_url, open_visitor) -> Callable[[], Page]:
    """The integrator's page, tests/browser/pages/siteconnect.html."""

    def open_() -> Page:
        return open_visitor(f"{pages_url}/siteconnect.html").page

    return open_


@pytest.fixture
def available_agent(new_context, server):
    """A dashboard whose agent is Available; set back to Away afterwards (the choice outlives
    its dashboards, and other tests expect nobody to be available)."""
    pages: list[Page] = []

    def open_() -> Page:
        agent = dashboard(new_context, server)
        switch = agent.get_by_label("Available")
        expect(switch).to_be_enabled()
        pages.append(agent)
        return agent

    yield open_
    again = new_context().new_page()
    log_in(again, server)
    switch = again.get_by_label("Available")
    expect(switch).to_be_enabled()
    if switch.is_checked():
        switch.uncheck()
        expect(again.locator("#availability-status")).to_contain_text("Away")
    again.close()


# The broker: subscriptions as the documentation writes them.


def test_the_documented_wildcard_examples_get_exactly_what_they_match(
    server, pages_url, open_visitor
):
    page = open_visitor(f"{pages_url}/siteconnect-trucks.html").page
    page.wait_for_function("() => window.acked.length === 5")
    ids = page.evaluate("window.ids")
    assert page.evaluate("window.ackedDuringSubscribe") == 0
    assert len(set(ids.values())) == 5 and all(isinstance(i, int) for i in ids.values())

    for topic, msg in [
        ("truck/0001/temperature", 21),
        ("truck/0002/temperature", 19),
        ("car/0007/temperature", 25),
        ("truck/0001/fuel/level", 0.5),
        ("truck/0001", "parked"),
        ("truck/0001/temperature/inside", 18),
        ("~/fleet/0002/alarm", {"why": "door"}),
    ]:
        page.evaluate("([topic, msg]) => site_connect.publish(topic, msg)", [topic, msg])

    got: dict[str, list] = {}
    for filter_, topic, msg in page.evaluate("window.got"):
        got.setdefault(filter_, []).append([topic, msg])
    assert got == {
        "truck/0001/temperature": [["truck/0001/temperature", 21]],
        "truck/+/temperature": [["truck/0001/temperature", 21], ["truck/0002/temperature", 19]],
        "+/+/temperature": [
            ["truck/0001/temperature", 21],
            ["truck/0002/temperature", 19],
            ["car/0007/temperature", 25],
        ],
        "truck/0001/#": [
            ["truck/0001/temperature", 21],
            ["truck/0001/fuel/level", 0.5],
            ["truck/0001", "parked"],
            ["truck/0001/temperature/inside", 18],
        ],
        "~/fleet/+/alarm": [["~/fleet/0002/alarm", {"why": "door"}]],
    }


def test_unsubscribe_stops_the_messages_of_that_subscription_only(server, pages_url, open_visitor):
    page = open_visitor(f"{pages_url}/siteconnect-trucks.html").page
    page.wait_for_function("() => window.acked.length === 5")

    assert page.evaluate("site_connect.unsubscribe(window.ids['truck/+/temperature'])") is True
    page.evaluate("site_connect.publish('truck/0003/temperature', 30)")

    filters = [filter_ for filter_, _, _ in page.evaluate("window.got")]
    assert filters == ["+/+/temperature"]
    assert page.evaluate("site_connect.unsubscribe(window.ids['truck/+/temperature'])") is False


def test_the_broker_loads_only_when_the_page_first_uses_site_connect(
    server, pages_url, open_visitor
):
    page = open_visitor(f"{pages_url}/plain.html").page
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.wait_for_function("() => window.GLANCE && GLANCE.Cobrowse.Visitor")
    assert page.evaluate("typeof site_connect.subscribe") == "function"
    assert not [url for url in fetched if "siteconnect" in url or "site-connect" in url]

    # subscribe answers at once, before the broker is here; its ack and messages follow.
    ids = page.evaluate(
        """() => {
            window.got = [];
            window.acks = 0;
            const first = site_connect.subscribe('news/#', (m, t) => got.push([t, m]),
                                                 () => { acks += 1; });
            const second = site_connect.subscribe('news/+', () => {});
            const gone = site_connect.unsubscribe(second);
            site_connect.publish('news/today', {n: 1});
            return [first, second, gone, site_connect.unsubscribe(second)];
        }"""
    )
    assert isinstance(ids[0], int) and ids[1] == ids[0] + 1
    assert ids[2:] == [True, False]
    page.wait_for_function("() => window.acks === 1 && window.got.length === 1")
    assert page.evaluate("window.got") == [["news/today", {"n": 1}]]
    assert any(url.endswith("/siteconnect.js") for url in fetched)


def test_invalid_filters_and_topics_are_refused_with_a_console_error(shop):
    page = shop()
    refused = [
        "site_connect.subscribe('truck/#/temperature', () => {})",
        "site_connect.subscribe('truck/00+/temperature', () => {})",
        "site_connect.subscribe('', () => {})",
        "site_connect.subscribe('truck/+', 'not a function')",
    ]
    for call in refused:
        with page.expect_console_message(lambda m: m.type == "error" and "site_connect" in m.text):
            assert page.evaluate(call) is None
    with page.expect_console_message(lambda m: "is not a valid topic" in m.text):
        page.evaluate("site_connect.publish('truck/+/temperature', 1)")


def test_topics_of_the_page_stay_there_and_the_others_reach_the_frame(shop):
    page = shop()
    ready_code(page)
    frame = site_connect_frame(page)
    frame.evaluate(
        """() => { window.arrived = []; addEventListener('message',
             (e) => window.arrived.push(e.data['tandem.siteconnect'])); }"""
    )

    page.evaluate("site_connect.publish('~/shop/basket', {items: 2})")
    page.evaluate("site_connect.publish('shop/basket', {items: 3})")

    frame.wait_for_function("() => window.arrived.some((m) => m && m.topic === 'shop/basket')")
    topics = [m["topic"] for m in frame.evaluate("window.arrived") if m and m["t"] == "publish"]
    assert topics == ["shop/basket"]


# The site-connect frame and its contact code.


def test_ready_brings_the_contact_code_the_agent_finds_the_visitor_by(shop, server, new_context):
    page = shop()

    code = ready_code(page)

    assert re.fullmatch(r"[1-9]\d{5}", code)
    expect(page.locator("#code")).to_have_text(code)
    agent = dashboard(new_context, server)
    expect(find_visitor(agent, code)).to_have_count(1)
    row = visitor_row(agent, code)
    expect(row.locator(".page")).to_have_text("Garden shop support")
    expect(row.locator(".data")).to_have_text("via=site_connect")
    # A subscription made after the fact still hears the frame is ready (retained).
    page.evaluate(
        """() => site_connect.subscribe('~/site_connect/ready', (msg) => { window.late = msg; })"""
    )
    page.wait_for_function("(code) => window.late && window.late.code === code", arg=code)


def test_a_page_of_an_unknown_group_gets_error_and_no_frame(server, pages_url, open_visitor):
    page = open_visitor(f"{pages_url}/siteconnect-unknown.html").page

    wait_seen(page, "~/site_connect/error")
    for error in seen(page, "~/site_connect/error"):
        assert error["reason"].startswith("No group 999. Check the group number in the script")

    assert page.evaluate("window.acked") == ["~/site_connect/#"]
    assert page.locator("iframe").count() == 0


def refuse_presence(context, refusals: int | None) -> list[WebSocketRoute]:
    """The first `refusals` presence sockets (all of them: None) are dropped as soon as they
    open, as a busy server's are; later ones go through."""
    seen_routes: list[WebSocketRoute] = []

    def handle(route: WebSocketRoute) -> None:
        seen_routes.append(route)
        if refusals is None or len(seen_routes) <= refusals:
            route.close(code=1013, reason="Try again later")
        else:
            route.connect_to_server()

    context.route_web_socket(re.compile(r".*/ws/presence/.*"), handle)
    return seen_routes


def test_retry_while_the_server_is_busy_then_ready(server, pages_url, new_context):
    context = new_context()
    attempts = refuse_presence(context, refusals=2)
    page = context.new_page()

    page.goto(f"{pages_url}/siteconnect.html")

    code = ready_code(page)
    retries = seen(page, "~/site_connect/retry")
    assert [(r["attempt"], r["delay_ms"]) for r in retries] == [(1, 1000), (2, 2000)]
    assert len(attempts) == 3
    assert re.fullmatch(r"\d{6}", code)
    assert seen(page, "~/site_connect/error") == []


def test_error_once_the_frame_gives_up_getting_a_code(server, pages_url, new_context):
    context = new_context()
    attempts = refuse_presence(context, refusals=None)
    page = context.new_page()
    page.clock.install()
    page.goto(f"{pages_url}/siteconnect.html")

    for attempt, delay in enumerate([1000, 2000, 4000, 8000], start=1):
        page.wait_for_function(
            "(n) => window.seen.filter(([f, t]) => t === '~/site_connect/retry').length === n",
            arg=attempt,
        )
        page.clock.run_for(delay)

    wait_seen(page, "~/site_connect/error")
    [error] = seen(page, "~/site_connect/error")
    assert "5 attempts" in error["reason"]
    assert len(attempts) == 5
    assert seen(page, "~/site_connect/ready") == []
    frame = site_connect_frame(page)
    expect(frame.locator("#status")).to_have_text("Support is not available right now.")


# Co-browsing.


def test_agent_cobrowsing_by_the_code_publishes_cobrowsing_start(shop, server, new_context):
    page = shop()
    code = ready_code(page)
    agent = dashboard(new_context, server)

    key = cobrowse_by_code(agent, code, page)

    wait_seen(page, "~pagesession/cobrowsing/start", {"key": key, "continued": False})
    assert page.evaluate("GLANCE.Cobrowse.Visitor.getKey()") == key
    # The next page of the tab continues the session, and says so.
    page.reload()
    wait_seen(page, "~pagesession/cobrowsing/start", {"key": key, "continued": True})


def test_stop_session_ends_the_session_for_the_agent_and_publishes_cobrowsing_stop(
    shop, server, new_context
):
    page = shop()
    code = ready_code(page)
    agent = dashboard(new_context, server)
    key = cobrowse_by_code(agent, code, page)
    wait_seen(page, "~pagesession/cobrowsing/start")

    page.get_by_role("button", name="Stop co-browsing").click()  # site_connect.stop_session()

    wait_seen(page, "~pagesession/cobrowsing/stop", {"key": key})
    expect(agent.locator("#viewer")).to_have_attribute("data-state", "ended")
    assert page.evaluate(IN_SESSION) is False


def test_after_a_session_the_frame_gets_a_new_code_and_the_old_one_is_gone(
    shop, server, new_context
):
    page = shop()
    code = ready_code(page)
    agent = dashboard(new_context, server)
    key = cobrowse_by_code(agent, code, page)
    wait_seen(page, "~pagesession/cobrowsing/start")
    page.evaluate("site_connect.publish('~pagesession/show_frame')")
    frame = site_connect_frame(page)

    frame.get_by_role("button", name="Stop co-browsing").click()  # the frame's own button

    wait_seen(page, "~pagesession/cobrowsing/stop", {"key": key})
    wait_seen(page, "~/site_connect/new_code")
    [renewed] = seen(page, "~/site_connect/new_code")
    assert re.fullmatch(r"\d{6}", renewed["code"]) and renewed["code"] != code
    expect(page.locator("#code")).to_have_text(renewed["code"])
    expect(frame.locator("#code")).to_have_text(renewed["code"])
    lookup = dashboard(new_context, server)
    expect(visitor_row(lookup, renewed["code"])).to_have_count(1)
    expect(visitor_row(lookup, code)).to_have_count(0)


# The frame: shown, minimized, hidden.


def frame_element(page: Page):
    return page.locator("iframe[data-site-connect-frame]")


def test_show_frame_shows_the_frame_with_the_code(shop):
    page = shop()
    code = ready_code(page)
    expect(frame_element(page)).to_be_hidden()

    page.evaluate("site_connect.publish('~pagesession/show_frame')")

    expect(frame_element(page)).to_be_visible()
    assert frame_element(page).bounding_box()["height"] > 300
    expect(site_connect_frame(page).locator("#code")).to_have_text(code)


def test_minimize_in_the_frame_publishes_minimize_frame_and_shrinks_it(shop):
    page = shop()
    ready_code(page)
    page.evaluate("site_connect.publish('~pagesession/show_frame')")
    frame = site_connect_frame(page)

    frame.get_by_role("button", name="Minimize").click()

    wait_seen(page, "~pagesession/minimize_frame")
    expect(frame_element(page)).to_have_attribute("data-mode", "minimized")
    assert frame_element(page).bounding_box()["height"] < 60
    frame.get_by_role("button", name="Restore").click()
    wait_seen(page, "~pagesession/show_frame", {})
    expect(frame_element(page)).to_have_attribute("data-mode", "shown")


def test_close_in_the_frame_publishes_hide_frame_and_hides_it(shop):
    page = shop()
    ready_code(page)
    page.evaluate("site_connect.publish('~pagesession/show_frame')")
    frame = site_connect_frame(page)

    frame.get_by_role("button", name="Close").click()

    wait_seen(page, "~pagesession/hide_frame")
    expect(frame_element(page)).to_be_hidden()
    # The page may hide it too.
    page.evaluate("site_connect.publish('~pagesession/show_frame')")
    expect(frame_element(page)).to_be_visible()
    page.evaluate("site_connect.publish('~pagesession/hide_frame')")
    expect(frame_element(page)).to_be_hidden()


# Chat buttons, proactive chat and the chat of a session.


def test_agent_availability_flips_the_chat_buttons(shop, available_agent):
    page = shop()
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


def test_clicking_a_chat_button_publishes_chat_trigger_and_shows_the_frame(shop, available_agent):
    page = shop()
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


def test_an_agents_message_to_the_code_publishes_proactive_trigger(shop, server, new_context):
    page = shop()
    code = ready_code(page)
    agent = dashboard(new_context, server)
    row = visitor_row(agent, code)

    row.get_by_role("textbox", name=f"Message for {code}").fill("Can I help you choose?")
    row.get_by_role("button", name="Send").click()

    wait_seen(page, "~pagesession/proactive/trigger", {"data": {"text": "Can I help you choose?"}})
    wait_seen(page, "~pagesession/show_frame", {"reason": "proactive"})
    expect(site_connect_frame(page).locator("#messages")).to_contain_text("Can I help you choose?")


def test_chat_messages_of_a_session_go_both_ways(shop, server, new_context):
    page = shop()
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


# Who may talk to whom.


@pytest.mark.parametrize("evil", ["untrusted_pages_url", "other_pages_url"])
def test_another_frame_on_the_page_cannot_pass_for_either_side(shop, server, request, evil):
    """An advert's iframe, of an untrusted origin or even a trusted one, posts messages
    shaped like site_connect's to the page and to the site-connect frame."""
    page = shop()
    logs: list[str] = []
    page.on("console", lambda message: logs.append(message.text))
    ready_code(page)
    evil_url = f"{request.getfixturevalue(evil)}/siteconnect-evil.html"
    page.evaluate(
        """(url) => new Promise((resolve) => {
             const advert = document.createElement('iframe');
             advert.src = url;
             advert.onload = resolve;
             document.body.append(advert);
           })""",
        evil_url,
    )
    advert = page.frame(url=evil_url)

    # Listeners of the test's, added after site_connect's own: once they have seen the
    # forged messages, site_connect has handled them.
    page.evaluate(
        """(tandem) => { window.forged = 0; addEventListener('message', (e) => {
             if (e.data && e.data['tandem.siteconnect'] && e.origin !== tandem)
               window.forged += 1; }); }""",
        server.url,
    )
    frame = site_connect_frame(page)
    frame.evaluate(
        """() => { window.forged = 0; addEventListener('message', (e) => {
             if (e.data && e.data['tandem.siteconnect'] && e.source !== parent)
               window.forged += 1; }); }"""
    )

    advert.evaluate("attackPage()")
    advert.evaluate("attackFrame()")

    page.wait_for_function("() => window.forged === 3")
    frame.wait_for_function("() => window.forged === 3")
    # A message of the page's own after the forged ones still works.
    page.evaluate("site_connect.publish('~pagesession/show_frame', {after: 'attack'})")
    wait_seen(page, "~pagesession/show_frame", {"after": "attack"})
    expect(frame_element(page)).to_be_visible()
    assert sum("not Tandem's site-connect frame" in line for line in logs) == 3
    assert sum("frame ignored a message" in line for line in logs) == 3
    assert "666666" not in [ready["code"] for ready in seen(page, "~/site_connect/ready")]
    assert page.evaluate(IN_SESSION) is False
    expect(frame.locator("#messages")).not_to_contain_text("pwned")


def test_a_page_of_an_untrusted_domain_gets_error_and_cannot_embed_the_frame(
    server, untrusted_pages_url, new_context
):
    page = new_context().new_page()
    sockets: list[str] = []
    page.on("websocket", lambda ws: sockets.append(ws.url))

    page.goto(f"{untrusted_pages_url}/siteconnect.html")

    wait_seen(page, "~/site_connect/error")
    [error] = seen(page, "~/site_connect/error")
    origin = untrusted_pages_url.split("/", 3)[:3]
    assert "/".join(origin) in error["reason"] and "trusted" in error["reason"]
    assert page.locator("iframe").count() == 0
    # Embedding the frame by hand is refused by the browser (frame-ancestors).
    with page.expect_console_message(lambda m: "frame-ancestors" in m.text):
        page.evaluate(
            """(src) => { const f = document.createElement("iframe"); f.src = src;
                          document.body.append(f); }""",
            f"{server.url}/cobrowse/site-connect/frame/?group=72&site=production",
        )
    assert not [url for url in sockets if "/ws/presence/" in url or "/ws/status/" in url]
    assert seen(page, "~/site_connect/ready") == []
