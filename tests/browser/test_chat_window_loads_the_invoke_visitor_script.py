"""The InvokeVisitor script in a chat window: used before a good init it logs an error and
never throws, and it keeps the GLANCE objects already on the page.

The visitor page is on one origin of 127.0.0.1; the chat window is another origin of
127.0.0.1 (trusted: the demo group's pattern allows any port) or of 127.0.0.2 (trusted by
no group). To show that a message did nothing, the test waits for the page's console
message about it, or posts a good message after it and waits for that one's effect.
"""


def test_invoke_visitor_before_a_good_init_logs_an_error_and_never_throws(
    visitor_with_chat, other_pages_url
):
    scene = visitor_with_chat(other_pages_url)
    calls = """() => {
      const api = GLANCE.Cobrowse.InvokeVisitor;
      api.invoke("startSession", { sessionKey: "7400" });
      api.init({}, 72, "*");
      api.invoke("startSession", { sessionKey: "7401" });
      api.init(window.parent, 72, "ftp://example.com");
      api.invoke("startSession", { sessionKey: "7402" });
      api.init(window.parent, null, "*");
      api.invoke("startSession", { sessionKey: "7403" });
      api.init(window.parent, 72, "*");
      api.invoke("startSession", { sessionKey: () => 1 });
      return "returned";
    }"""

    assert scene.chat.evaluate(calls) == "returned"
    key = scene.start_by_invoke("7404")

    assert key == "7404"
    assert scene.page.evaluate("window.seen") == ["sessionstarting", "sessionstart"]
    logged = [text for text in scene.console if "[Tandem] InvokeVisitor" in text]
    assert len(logged) == 8, logged


def test_invoke_visitor_script_keeps_the_glance_objects_already_on_the_page(
    server, pages_url, open_visitor
):
    page = open_visitor(f"{pages_url}/plain.html").page
    page.evaluate("() => { window.visitorBefore = GLANCE.Cobrowse.Visitor; }")

    page.add_script_tag(url=f"{server.url}/cobrowse/GlanceCobrowseInvokeVisitor.js")

    assert page.evaluate("GLANCE.Cobrowse.Visitor === window.visitorBefore") is True
    assert page.evaluate("typeof GLANCE.Cobrowse.InvokeVisitor.init") == "function"
    assert page.evaluate("GLANCE.VERSION") == page.evaluate("GLANCE.Cobrowse.Loader.version")
