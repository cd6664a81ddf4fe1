"""The Glance visitor API as an integrator's page uses it, on a page Tandem does not serve."""

RECORD_EVENTS = """() => {
  window.seen = [];
  for (const name of ["sessionstarting", "sessionstart", "agents", "sessionend", "error"]) {
    GLANCE.Cobrowse.Visitor.addEventListener(name, (payload) => {
      window.seen.push([name, payload ?? null]);
    });
  }
}"""


def test_loader_defines_the_glance_globals_and_loads_the_recorder_only_on_start(
    server, pages_url, open_visitor
):
    visitor = open_visitor(f"{pages_url}/plain.html")
    page = visitor.page
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    assert page.evaluate("typeof GLANCE.Cobrowse.Visitor.startSession") == "function"
    assert page.evaluate("GLANCE.VERSION") == page.evaluate("GLANCE.Cobrowse.Loader.version")
    assert page.evaluate("GLANCE_COBROWSE.groupid") == 72
    assert page.evaluate("GLANCE_COBROWSE.visitorid") == "v-123"
    assert page.evaluate("GLANCE.Cobrowse.Visitor.inSession()") is False
    assert not [url for url in requested if "recorder" in url]

    page.evaluate(RECORD_EVENTS)
    key = visitor.start("4242")

    assert key == "4242"
    assert page.evaluate("GLANCE.Cobrowse.Visitor.getKey()") == "4242"
    assert page.evaluate("GLANCE.Cobrowse.Visitor.inSession()") is True
    page.wait_for_function("window.seen.length >= 3")
    assert page.evaluate("window.seen") == [
        ["sessionstarting", None],
        ["sessionstart", None],
        ["agents", {"count": 0, "names": []}],
    ]
    assert [url for url in requested if url.endswith("/static/recorder.js")]

    page.evaluate("GLANCE.Cobrowse.Visitor.stopSession()")
    page.wait_for_function("window.seen.length === 4")
    assert page.evaluate("window.seen[3]") == ["sessionend", {"reason": "visitor"}]


def test_remove_event_listener_stops_the_callbacks(server, pages_url, open_visitor):
    page = open_visitor(f"{pages_url}/plain.html").page
    page.evaluate(
        """() => {
          window.calls = 0;
          window.handler = () => { window.calls += 1; };
          GLANCE.Cobrowse.Visitor.addEventListener("sessionstarting", window.handler);
          GLANCE.Cobrowse.Visitor.removeEventListener("sessionstarting", window.handler);
        }"""
    )
    page.evaluate(
        """() => new Promise((resolve) => {
          GLANCE.Cobrowse.Visitor.addEventListener("sessionstart", resolve);
          GLANCE.Cobrowse.Visitor.startSession();
        })"""
    )
    assert page.evaluate("window.calls") == 0


def test_a_key_already_in_use_fires_glances_dupkey_error(server, pages_url, open_visitor):
    first = open_visitor(f"{pages_url}/plain.html")
    first.start("5151")
    second = open_visitor(f"{pages_url}/plain.html").page
    second.evaluate(RECORD_EVENTS)
    second.evaluate("GLANCE.Cobrowse.Visitor.startSession({sessionKey: 5151})")
    second.wait_for_function("window.seen.length === 2")
    seen = second.evaluate("window.seen")
    assert seen[0] == ["sessionstarting", None]
    assert seen[1][0] == "error" and seen[1][1]["code"] == "dupkey"
    assert "5151" in seen[1][1]["msg"]


def test_unknown_group_still_loads_and_reports_a_service_error_on_start(
    server, pages_url, new_context
):
    page = new_context().new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.goto(f"{pages_url}/unknown-group.html")
    page.evaluate(RECORD_EVENTS)

    page.evaluate("GLANCE.Cobrowse.Visitor.startSession()")

    page.wait_for_function("window.seen.length === 2")
    seen = page.evaluate("window.seen")
    assert seen[0] == ["sessionstarting", None]
    assert seen[1][0] == "error"
    assert seen[1][1]["code"] == "service"
    assert "999" in seen[1][1]["msg"]
    tandem_messages = [line for line in console if "[Tandem]" in line]
    assert len(tandem_messages) == 1 and tandem_messages[0].startswith("error: ")
    assert page.evaluate("GLANCE.Cobrowse.Visitor.inSession()") is False


def test_recorder_that_cannot_load_ends_the_session_with_a_service_error(
    server, pages_url, open_visitor
):
    visitor = open_visitor(f"{pages_url}/plain.html")
    page = visitor.page
    page.route("**/static/recorder.js", lambda route: route.abort())
    page.evaluate(RECORD_EVENTS)

    page.evaluate("GLANCE.Cobrowse.Visitor.startSession()")

    page.wait_for_function("window.seen.some(([name]) => name === 'sessionend')")
    names = [name for name, _ in page.evaluate("window.seen")]
    assert names == ["sessionstarting", "sessionstart", "agents", "error", "sessionend"]
    assert page.evaluate("window.seen[3][1].code") == "service"
    assert page.evaluate("GLANCE.Cobrowse.Visitor.inSession()") is False
