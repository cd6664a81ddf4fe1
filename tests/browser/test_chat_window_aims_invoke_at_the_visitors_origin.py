"""GLANCE.Cobrowse.InvokeVisitor in a chat window reaches the visitor's page only at the
origin it was given (`*`, a host or a URL), matched as the server matches trusted domains.

The visitor page is on one origin of 127.0.0.1; the chat window is another origin of
127.0.0.1 (trusted: the demo group's pattern allows any port) or of 127.0.0.2 (trusted by
no group). To show that a message did nothing, the test waits for the page's console
message about it, or posts a good message after it and waits for that one's effect.
"""

import subprocess

import pytest

from cobrowse.models import validate_host_pattern
from core.domains import pattern_matches
from tests.domain_cases import KEEPS_OUT, LETS_IN
from tests.servers import ROOT

ESBUILD = ROOT / "node_modules" / ".bin" / "esbuild"
BUNDLE_AS = ["--global-name=tandemInvoke", "--target=es2020"]


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


def test_the_pages_origin_matcher_agrees_with_the_servers_on_the_shared_table(new_context):
    """static/src/visitor/invoke.ts ports core/domains.py: every pattern of the table
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
