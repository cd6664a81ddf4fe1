"""A chat window invokes the visitor API on the visitor's page by postMessage (glance_invoke).

The visitor page is on one origin of 127.0.0.1; the chat window is another origin of
127.0.0.1 (trusted: the demo group's pattern allows any port) or of 127.0.0.2 (trusted by
no group). To show that a message did nothing, the test waits for the page's console
message about it, or posts a good message after it and waits for that one's effect.
"""

import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Frame, Page

from cobrowse.domains import pattern_matches
from cobrowse.models import validate_host_pattern
from tests.browser.conftest import Visitor
from tests.domain_cases import KEEPS_OUT, LETS_IN
from tests.servers import ROOT

RECORD_EVENTS = """() => {
  window.seen = [];
  for (const name of ["sessionstarting", "sessionstart", "sessionend", "error"]) {
    GLANCE.Cobrowse.Visitor.addEventListener(name, () => window.seen.push(name));
  }
}"""

ADD_FRAME = """(url) => new Promise((resolve, reject) => {
  const frame = document.createElement("iframe");
  frame.src = url;
  frame.onload = resolve;
  frame.onerror = reject;
  document.body.append(frame);
})"""

# Run in the chat window; `to` names the visitor's window: "parent" or "opener".
INVOKE = """([to, groupid, origin, func, args]) => {
  GLANCE.Cobrowse.InvokeVisitor.init(window[to], groupid, origin);
  GLANCE.Cobrowse.InvokeVisitor.invoke(func, args);
}"""
POST = """(message) => window.parent.postMessage(message, "*")"""

ESBUILD = ROOT / "node_modules" / ".bin" / "esbuild"
BUNDLE_AS = ["--global-name=tandemInvoke", "--target=es2020"]
IN_SESSION = "() => GLANCE.Cobrowse.Visitor.inSession()"
IGNORED = "[Tandem] ignored a glance_invoke message"


@dataclass
class Scene:
    """A visitor's page with a chat window in an iframe, and what the page logged."""

    visitor: Visitor
    chat: Frame
    visitor_origin: str
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def page(self) -> Page:
        return self.visitor.page

    def invoke(self, func: str, args: object = None, groupid: object = 72) -> None:
        self.chat.evaluate(INVOKE, ["parent", groupid, self.visitor_origin, func, args])

    def expect_ignored(self, reason: str, act: Callable[[], object]) -> str:
        """Do `act` and wait for the page to log that it ignored a message for `reason`."""
        with self.page.expect_console_message(
            lambda message: IGNORED in message.text and reason in message.text
        ) as logged:
            act()
        return logged.value.text

    def start_by_invoke(self, key: str) -> str:
        """A good message after bad ones: once it took effect, the bad ones were handled."""
        self.invoke("startSession", {"sessionKey": key})
        self.page.wait_for_function(IN_SESSION)
        return self.page.evaluate("GLANCE.Cobrowse.Visitor.getKey()")


@pytest.fixture
def visitor_with_chat(server, pages_url, open_visitor) -> Callable[[str], Scene]:
    def open_(chat_base: str) -> Scene:
        visitor = open_visitor(f"{pages_url}/plain.html")
        console: list[str] = []
        errors: list[str] = []
        visitor.page.on("console", lambda message: console.append(message.text))
        visitor.page.on("pageerror", lambda error: errors.append(str(error)))
        visitor.page.evaluate(RECORD_EVENTS)
        chat_url = f"{chat_base}/chat.html"
        visitor.page.evaluate(ADD_FRAME, chat_url)
        chat = visitor.page.frame(url=chat_url)
        assert chat is not None
        assert chat.evaluate("typeof GLANCE.Cobrowse.InvokeVisitor.invoke") == "function"
        return Scene(visitor, chat, pages_url, console, errors)

    return open_


@pytest.mark.parametrize(("groupid", "key"), [(72, "7301"), ("72", "7302")])
def test_invoke_visitor_from_a_trusted_chat_window_starts_a_session_with_the_given_key(
    server, pages_url, other_pages_url, open_visitor, open_viewer, groupid, key
):
    """The chat window is a popup the visitor's page opened, as Glance's docs describe."""
    visitor = open_visitor(f"{pages_url}/plain.html")
    visitor.page.evaluate(RECORD_EVENTS)
    with visitor.page.expect_popup() as popup:
        visitor.page.evaluate(
            "(url) => { window.open(url, 'chat'); }", f"{other_pages_url}/chat.html"
        )
    chat = popup.value
    chat.wait_for_load_state()

    chat.evaluate(INVOKE, ["opener", groupid, pages_url, "startSession", {"sessionKey": key}])

    visitor.page.wait_for_function(IN_SESSION)
    assert visitor.page.evaluate("GLANCE.Cobrowse.Visitor.getKey()") == key
    assert visitor.page.evaluate("window.seen") == ["sessionstarting", "sessionstart"]
    assert f'"key":"{key}"' in visitor.sent_text()
    viewer = open_viewer(key)  # the agent joins the session by that key
    assert viewer.locator("#viewer").get_attribute("data-state") == "live"


def test_glance_invoke_from_an_untrusted_origin_cannot_start_a_session(
    visitor_with_chat, untrusted_pages_url
):
    scene = visitor_with_chat(untrusted_pages_url)

    logged = scene.expect_ignored(
        "is not a trusted domain",
        lambda: scene.invoke("startSession", {"sessionKey": "7310"}),
    )

    assert untrusted_pages_url in logged
    assert scene.page.evaluate(IN_SESSION) is False
    assert scene.page.evaluate("window.seen") == []
    assert scene.visitor.sent == []  # no socket was even opened
    assert scene.errors == []


def test_glance_invoke_from_an_untrusted_origin_cannot_stop_a_session(
    visitor_with_chat, untrusted_pages_url
):
    scene = visitor_with_chat(untrusted_pages_url)
    key = scene.visitor.start("7311")

    scene.expect_ignored(
        "is not a trusted domain",
        lambda: scene.chat.evaluate(
            POST, {"glance_invoke": {"func": "stopSession", "groupid": 72}}
        ),
    )

    assert scene.page.evaluate(IN_SESSION) is True
    assert scene.page.evaluate("GLANCE.Cobrowse.Visitor.getKey()") == key
    assert "sessionend" not in scene.page.evaluate("window.seen")
    assert '{"t":"stop"}' not in scene.visitor.sent_text()


def test_glance_invoke_for_another_group_is_ignored(visitor_with_chat, other_pages_url):
    scene = visitor_with_chat(other_pages_url)

    logged = scene.expect_ignored(
        "not this page's group",
        lambda: scene.invoke("startSession", {"sessionKey": "7320"}, groupid=73),
    )
    key = scene.start_by_invoke("7321")

    assert "groupid 73" in logged
    assert key == "7321"
    assert scene.page.evaluate("window.seen") == ["sessionstarting", "sessionstart"]


@pytest.mark.parametrize(("groupid", "key"), [(72, "7331"), ("72", "7332")])
def test_glance_invoke_posted_by_hand_matches_a_groupid_given_as_number_or_string(
    visitor_with_chat, other_pages_url, groupid, key
):
    scene = visitor_with_chat(other_pages_url)
    message = {"func": "startSession", "args": {"sessionKey": key}, "groupid": groupid}

    scene.chat.evaluate(POST, {"glance_invoke": message})

    scene.page.wait_for_function(IN_SESSION)
    assert scene.page.evaluate("GLANCE.Cobrowse.Visitor.getKey()") == key


@pytest.mark.parametrize(
    "func",
    [
        "constructor",
        "__proto__",
        "toString",
        "hasOwnProperty",
        "eval",
        "alert",
        "addEventListener",
        "removeEventListener",
        "GLANCE.Cobrowse.Visitor.stopSession",
        "Visitor.startSession",
        "",
    ],
)
def test_unknown_func_is_ignored_with_a_console_message(visitor_with_chat, other_pages_url, func):
    scene = visitor_with_chat(other_pages_url)
    dialogs: list[str] = []
    scene.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    logged = scene.expect_ignored(
        "is not a function that may be invoked",
        lambda: scene.chat.evaluate(
            POST, {"glance_invoke": {"func": func, "args": {"sessionKey": "x"}, "groupid": 72}}
        ),
    )
    key = scene.start_by_invoke("7340")

    assert f'"{func}"' in logged
    assert key == "7340"
    assert scene.page.evaluate("window.seen") == ["sessionstarting", "sessionstart"]
    assert dialogs == []
    assert scene.errors == []


NOT_GLANCE_INVOKE = ["glance_invoke", 42, None, [], {"other": 1}, {"glance_invoke_x": {}}]

MALFORMED = [
    ("x", "glance_invoke is not an object"),
    (None, "glance_invoke is not an object"),
    ([1, 2], "glance_invoke is not an object"),
    ({"groupid": 72}, "func is not a string"),
    ({"func": 5, "groupid": 72}, "func is not a string"),
    ({"func": ["startSession"], "groupid": 72}, "func is not a string"),
    ({"func": "startSession", "args": "9999", "groupid": 72}, "is not an object"),
    ({"func": "startSession", "args": [9999], "groupid": 72}, "is not an object"),
    ({"func": "startSession", "args": 9999, "groupid": 72}, "is not an object"),
    ({"func": "startSession", "args": {"sessionKey": {}}, "groupid": 72}, "sessionKey"),
    ({"func": "startSession", "args": {"sessionKey": [1]}, "groupid": 72}, "sessionKey"),
    ({"func": "startSession"}, "not this page's group"),
    ({"func": "startSession", "groupid": None}, "not this page's group"),
    ({"func": "startSession", "groupid": {"id": 72}}, "not this page's group"),
    ({"func": "startSession", "groupid": [72]}, "not this page's group"),
]


def test_malformed_messages_are_ignored_without_throwing(visitor_with_chat, other_pages_url):
    scene = visitor_with_chat(other_pages_url)

    for data in NOT_GLANCE_INVOKE:  # other scripts' messages: not ours, not even logged
        scene.chat.evaluate(POST, data)
    for request, reason in MALFORMED:
        scene.expect_ignored(
            reason, lambda request=request: scene.chat.evaluate(POST, {"glance_invoke": request})
        )
    key = scene.start_by_invoke("7350")

    assert key == "7350"
    assert scene.page.evaluate("window.seen") == ["sessionstarting", "sessionstart"]
    assert sum(IGNORED in text for text in scene.console) == len(MALFORMED)
    assert scene.errors == []


def test_stop_session_via_invoke_ends_the_session(visitor_with_chat, other_pages_url):
    scene = visitor_with_chat(other_pages_url)
    scene.start_by_invoke("7360")

    scene.invoke("stopSession")

    scene.page.wait_for_function("() => window.seen.includes('sessionend')")
    assert scene.page.evaluate(IN_SESSION) is False
    assert scene.page.evaluate("window.seen") == ["sessionstarting", "sessionstart", "sessionend"]
    assert '{"t":"stop"}' in scene.visitor.sent_text()


@pytest.mark.parametrize("owner", ["Visitor", "VisitorUI"])
def test_show_terms_is_invoked_where_the_page_defines_it(visitor_with_chat, other_pages_url, owner):
    scene = visitor_with_chat(other_pages_url)
    scene.page.evaluate(
        """(owner) => {
          window.termsShown = [];
          if (owner === "VisitorUI") delete GLANCE.Cobrowse.Visitor.showTerms;
          const target = (GLANCE.Cobrowse[owner] ??= {});
          target.showTerms = function (args) { window.termsShown.push([this === target, args]); };
        }""",
        owner,
    )
    request = {"func": "showTerms", "args": {"sessionKey": "12121212"}, "groupid": "72"}

    scene.chat.evaluate(POST, {"glance_invoke": request})

    scene.page.wait_for_function("() => window.termsShown.length > 0")
    assert scene.page.evaluate("window.termsShown") == [[True, {"sessionKey": "12121212"}]]


def test_a_throwing_function_is_logged_and_the_listener_keeps_working(
    visitor_with_chat, other_pages_url
):
    scene = visitor_with_chat(other_pages_url)
    scene.page.evaluate(
        "() => { GLANCE.Cobrowse.Visitor.showTerms = () => { throw new Error('terms broke'); }; }"
    )

    with scene.page.expect_console_message(lambda m: "glance_invoke showTerms threw" in m.text):
        scene.invoke("showTerms")
    key = scene.start_by_invoke("7370")

    assert key == "7370"
    assert scene.errors == []


@pytest.mark.parametrize(
    ("form", "key"),
    [("*", "7381"), ("{host}", "7382"), ("{origin}", "7383"), ("{origin}/plain.html?x=1", "7384")],
)
def test_invoke_visitor_takes_the_visitor_origin_as_star_host_or_url(
    visitor_with_chat, other_pages_url, pages_url, form, key
):
    scene = visitor_with_chat(other_pages_url)
    scene.visitor_origin = form.format(origin=pages_url, host=pages_url.removeprefix("http://"))

    assert scene.start_by_invoke(key) == key


def test_invoke_visitor_aimed_at_another_origin_reaches_nothing(
    visitor_with_chat, other_pages_url, pages_url
):
    scene = visitor_with_chat(other_pages_url)
    scene.visitor_origin = "http://127.0.0.1:1"
    scene.invoke("startSession", {"sessionKey": "7390"})  # the browser drops it
    scene.visitor_origin = pages_url

    key = scene.start_by_invoke("7391")

    assert key == "7391"
    assert scene.page.evaluate("window.seen") == ["sessionstarting", "sessionstart"]


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


def test_the_pages_origin_matcher_agrees_with_the_servers_on_the_shared_table(new_context):
    """static/src/visitor/invoke.ts ports cobrowse/domains.py: every pattern of the table
    against every origin of it gives the same answer in the browser as on the server."""
    patterns = sorted({pattern for pattern, _ in LETS_IN + KEEPS_OUT})
    origins = sorted({origin for _, origin in LETS_IN + KEEPS_OUT})
    for pattern in patterns:
        validate_host_pattern(pattern)  # only patterns a group can hold
    cases = [[pattern, origin] for pattern in patterns for origin in origins]
    bundled = subprocess.run(
        [ESBUILD, "static/src/visitor/invoke.ts", "--bundle", "--format=iife", *BUNDLE_AS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    page = new_context().new_page()
    page.add_script_tag(content=bundled)

    in_browser = page.evaluate(
        "(cases) => cases.map(([p, o]) => tandemInvoke.patternMatches(p, o))", cases
    )

    on_server = [pattern_matches(pattern, origin) for pattern, origin in cases]
    differ = [
        (*case, want)
        for case, want, got in zip(cases, on_server, in_browser, strict=True)
        if want != got
    ]
    assert differ == []
    assert len(LETS_IN) <= sum(on_server) < len(cases)
