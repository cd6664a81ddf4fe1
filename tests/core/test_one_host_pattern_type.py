"""Trusted host patterns are read by one type (`core.domains.HostPattern`) for every use:
what the admin may store, which origins sockets and the asset proxy let in, and the CSP
`frame-ancestors` of the frames. The visitor page's TypeScript port answers the shared case
table (tests/domain_cases.py) as the server does, run here under Node without a browser."""

import json
import subprocess

import pytest
from django.core.exceptions import ValidationError

from cobrowse.models import validate_host_pattern
from core.domains import HostPattern, frame_ancestors, origin_trusted, pattern_matches
from tests.domain_cases import KEEPS_OUT, LETS_IN
from tests.servers import ROOT

PATTERNS = sorted({pattern for pattern, _ in LETS_IN + KEEPS_OUT})
ORIGINS = sorted({origin for _, origin in LETS_IN + KEEPS_OUT})
NOT_PATTERNS = ["", "*", "*example.com", "a.*.example.com", "ftp://example.com", "https://",
                "exa mple.com", "exa_mple.com", "*.[::1]", "example.com:port",
                "example.com; script-src *"]  # fmt: skip
# Texts where Python and JavaScript could read a pattern apart: other scripts' digits and
# letters, blanks one language strips and the other does not.
ODD = ["example.com:\u0668\u0660", "\x1fexample.com", "\ufeffexample.com",
       "\u0130.example.com", "\u212a.example.com", "\u00a0example.com\u3000", "example.com\n",
       "EXAMPLE.com:0"]  # fmt: skip


@pytest.mark.parametrize("pattern", PATTERNS)
def test_every_pattern_of_the_table_is_one_a_group_can_hold(pattern):
    assert HostPattern.parse(pattern) is not None
    validate_host_pattern(pattern)


@pytest.mark.parametrize("text", NOT_PATTERNS)
def test_what_the_admin_refuses_lets_no_origin_in_and_no_frame_ancestor(text):
    assert HostPattern.parse(text) is None
    with pytest.raises(ValidationError):
        validate_host_pattern(text)
    assert not any(pattern_matches(text, origin) for origin in ORIGINS)
    assert not origin_trusted("https://example.com", [text])
    assert frame_ancestors([text]) == "'none'"


def test_a_pattern_reads_the_same_for_origins_and_for_csp():
    pattern = HostPattern.parse(" HTTPS://*.Shop.Example:8443 ")
    assert pattern == HostPattern(host="shop.example", wildcard=True, scheme="https", port=8443)
    assert pattern.matches("https://a.shop.example:8443")
    assert not pattern.matches("https://a.shop.example")
    assert pattern.csp_sources() == ["https://shop.example:8443", "https://*.shop.example:8443"]
    assert HostPattern.parse("[::1]:8000") == HostPattern(host="::1", port=8000, ipv6=True)


def test_the_visitor_pages_port_answers_the_table_as_the_server_does(tmp_path):
    bundle = tmp_path / "invoke.cjs"
    subprocess.run(
        [ROOT / "node_modules" / ".bin" / "esbuild", "static/src/domains.ts",
         "--bundle", "--format=cjs", "--platform=node", "--target=es2020", f"--outfile={bundle}"],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    texts = PATTERNS + NOT_PATTERNS + ODD
    origins = [*ORIGINS, "https://k.example.com"]
    cases = [[pattern, origin] for pattern in texts for origin in origins]
    run = subprocess.run(
        ["node", "-e", "const m = require(process.argv[1]);"
         "const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
         "process.stdout.write(JSON.stringify(cases.map(([p, o]) => m.patternMatches(p, o))));",
         str(bundle)],
        input=json.dumps(cases), capture_output=True, text=True, check=True,
    )  # fmt: skip
    in_page = json.loads(run.stdout)
    on_server = [pattern_matches(pattern, origin) for pattern, origin in cases]
    differ = [(*case, want) for case, want, got in zip(cases, on_server, in_page, strict=True)
              if want != got]  # fmt: skip
    assert differ == []
    assert sum(on_server) >= len(LETS_IN)  # the table is not all refusals
