"""A page written against site_connect's publish/subscribe API, run as its documentation
shows it with Tandem's script: subscriptions as the documentation writes them, and which
topics stay on the page."""

from tests.browser.conftest import (
    ready_code,
    site_connect_frame,
)


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


def test_invalid_filters_and_topics_are_refused_with_a_console_error(site_connect_page):
    page = site_connect_page()
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


def test_topics_of_the_page_stay_there_and_the_others_reach_the_frame(site_connect_page):
    page = site_connect_page()
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
