"""Every URL a piece of CSS makes the browser load goes through the asset proxy, found as
the browser finds it (escapes, image-set(), @import without url()...), and nothing else
is touched: the proxy's rewriting of the stylesheets it serves (tinycss2) and the agent
page's rewriting of inline styles and srcsets (static/src/agent/css.ts and assets.ts, run
here under Node) answer the same case table, tests/css_url_cases.py."""

import json
import re
import subprocess
from urllib.parse import unquote

import pytest

from cobrowse.asset_proxy import css_rewrite
from tests.css_url_cases import BASE, CSS_URLS, SRCSET_URLS
from tests.servers import ROOT

PROXY = "/cobrowse/asset/?s=T"
# In CSS the rewritten URLs are quoted strings; in a srcset they end at a space or comma.
PROXIED = re.compile(re.escape(PROXY) + r"&u=([^\"\s#,]*)")


def proxied(text: str) -> list[str]:
    """The URLs, decoded, that `text` asks the proxy for, in order."""
    return [unquote(found) for found in PROXIED.findall(text)]


@pytest.mark.parametrize(("css", "urls"), CSS_URLS)
def test_the_proxy_sends_every_url_of_a_stylesheet_through_itself(css, urls):
    rewritten = css_rewrite(css, base=BASE, proxy=PROXY)

    assert proxied(rewritten) == urls
    assert "javascript:" not in rewritten


def test_what_loads_nothing_is_left_as_it_was():
    for css, urls in CSS_URLS:
        if not urls and "url(" not in css.lower():
            assert css_rewrite(css, base=BASE, proxy=PROXY) == css


RUN_IN_NODE = """
const { AssetRewriter } = require(process.argv[1]);
const { base, proxy, css, srcsets } = JSON.parse(require("fs").readFileSync(0, "utf8"));
const rewriter = new AssetRewriter();
rewriter.configure(proxy);
rewriter.rewrite([{ type: 4, data: { href: base, width: 1, height: 1 }, timestamp: 0 }]);
process.stdout.write(JSON.stringify({
  css: css.map((text) => rewriter.css(text)),
  srcsets: srcsets.map((text) => rewriter.srcset(text)),
}));
"""


@pytest.fixture(scope="module")
def in_the_agents_page(tmp_path_factory):
    """The agent page's rewriting of every case of the table, run under Node."""
    bundle = tmp_path_factory.mktemp("css") / "assets.cjs"
    subprocess.run(
        [ROOT / "node_modules" / ".bin" / "esbuild", "static/src/agent/assets.ts",
         "--bundle", "--format=cjs", "--platform=node", "--target=es2020", f"--outfile={bundle}"],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    cases = {
        "base": BASE,
        "proxy": PROXY,
        "css": [css for css, _ in CSS_URLS],
        "srcsets": [srcset for srcset, _ in SRCSET_URLS],
    }
    run = subprocess.run(
        ["node", "-e", RUN_IN_NODE, str(bundle)],
        input=json.dumps(cases), capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(run.stdout)


def test_the_agents_page_reads_every_stylesheet_case_as_the_proxy_does(in_the_agents_page):
    differ = [
        (css, urls, proxied(got))
        for (css, urls), got in zip(CSS_URLS, in_the_agents_page["css"], strict=True)
        if proxied(got) != urls or "javascript:" in got
    ]
    assert differ == []


def test_the_agents_page_leaves_what_loads_nothing_as_it_was(in_the_agents_page):
    for (css, urls), got in zip(CSS_URLS, in_the_agents_page["css"], strict=True):
        if not urls and "url(" not in css.lower():
            assert got == css


def test_the_agents_page_splits_a_srcset_as_html_does(in_the_agents_page):
    differ = [
        (srcset, urls, proxied(got))
        for (srcset, urls), got in zip(SRCSET_URLS, in_the_agents_page["srcsets"], strict=True)
        if proxied(got) != urls
    ]
    assert differ == []
