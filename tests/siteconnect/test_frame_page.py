"""The site-connect frame's page: what it tells the frame's script, and which pages the
browser lets embed it (the group's trusted domains, through CSP `frame-ancestors`)."""

import json
import re

import pytest

from cobrowse.models import TrustedDomain
from core.domains import frame_ancestors

pytestmark = pytest.mark.django_db

URL = "/cobrowse/site-connect/frame/"


def frame_config(response) -> dict:
    match = re.search(
        r'<script id="site-connect-config" type="application/json">(.*?)</script>',
        response.content.decode(),
    )
    assert match, response.content[:500]
    return json.loads(match[1])


def policy(response) -> dict[str, list[str]]:
    directives = [part.split() for part in response["Content-Security-Policy"].split("; ")]
    return {name: values for name, *values in directives}


def test_frame_gets_the_groups_sockets_and_trusted_domains(client, demo_group):
    response = client.get(URL, {"group": "72", "site": "production"})

    assert response.status_code == 200
    assert frame_config(response) == {
        "group": 72,
        "site": "production",
        "trustedDomains": ["127.0.0.1", "localhost"],
        "presenceSocket": "ws://testserver/ws/presence/72/",
        "statusSocket": "ws://testserver/ws/status/72/",
        "error": None,
    }
    assert "/static/siteconnect-frame.js" in response.content.decode()
    assert response["Cache-Control"] == "no-cache"


def test_only_the_groups_trusted_domains_may_embed_the_frame(client, demo_group):
    TrustedDomain.objects.create(group=demo_group, pattern="*.shop.example")

    response = client.get(URL, {"group": "72", "site": "production"})

    assert "X-Frame-Options" not in response
    csp = policy(response)
    assert sorted(csp["frame-ancestors"]) == sorted(
        [
            "http://127.0.0.1:*",
            "https://127.0.0.1:*",
            "http://localhost:*",
            "https://localhost:*",
            "http://shop.example:*",
            "https://shop.example:*",
            "http://*.shop.example:*",
            "https://*.shop.example:*",
        ]
    )
    assert csp["script-src"] == ["'self'"]
    assert csp["connect-src"] == ["ws://testserver"]
    assert csp["default-src"] == ["'none'"]


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"group": "999", "site": "production"}, "No group 999."),
        ({"group": "72", "site": "nope"}, "Group 72 has no site 'nope'."),
        ({"group": "72", "site": "staging"}, "Site 'staging' is disabled."),
        ({"group": "x<script>"}, "The script tag names no numeric group."),
    ],
)
def test_an_unknown_group_or_site_gets_a_frame_that_reports_the_error(
    client, demo_group, params, error
):
    response = client.get(URL, params)

    config = frame_config(response)
    assert config["error"].startswith(error)
    assert "/admin/" in config["error"] or "?group=" in config["error"]  # says where to fix it
    assert config["presenceSocket"] is None and config["statusSocket"] is None
    assert policy(response)["frame-ancestors"] == ["'none'"]
    assert "<script>" not in response.content.decode()  # the bad group is not echoed


@pytest.mark.parametrize(
    ("patterns", "sources"),
    [
        (["example.com"], ["http://example.com:*", "https://example.com:*"]),
        (["https://example.com"], ["https://example.com:*"]),
        (["example.com:8443"], ["http://example.com:8443", "https://example.com:8443"]),
        (["http://app.example.com:8000"], ["http://app.example.com:8000"]),
        (
            ["*.example.com"],
            [
                "http://example.com:*",
                "http://*.example.com:*",
                "https://example.com:*",
                "https://*.example.com:*",
            ],
        ),
        ([" Example.COM "], ["http://example.com:*", "https://example.com:*"]),
        # CSP cannot name IPv6 hosts; nothing odd is ever written into the header.
        (["[::1]"], ["'none'"]),
        (["example.com; script-src *"], ["'none'"]),
        ([], ["'none'"]),
        (["a.com", "a.com"], ["http://a.com:*", "https://a.com:*"]),
    ],
)
def test_frame_ancestors_allow_what_the_patterns_allow(patterns, sources):
    assert frame_ancestors(patterns).split() == sources
