"""An agent's viewer fetches one asset of the replayed page through Tandem's asset proxy.

A fake resolver stands in for DNS: names resolve to the addresses a test chooses, and the
proxy connects to the address it checked (here always a site on 127.0.0.1)."""

import re
from urllib.parse import quote, unquote

import pytest
from django.core import signing
from django.test import Client

from cobrowse import asset_proxy
from cobrowse.models import CobrowseSession, TrustedDomain
from tests.sites import Reply, serve_site

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def dns(monkeypatch):
    """Names the fake resolver knows, and how often each was asked."""
    names: dict[str, list[str]] = {}
    asked: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        asked.append(host)
        if host not in names:
            raise OSError("no such name")
        return names[host]

    monkeypatch.setattr(asset_proxy, "resolve", resolve)
    names["asked"] = asked  # type: ignore[assignment]
    return names


@pytest.fixture
def site():
    routes = {
        "/logo.png": Reply(PNG, "image/png"),
        "/page.html": Reply(b"<script>alert(1)</script>", "text/html"),
        "/app.js": Reply(b"alert(1)", "application/javascript"),
        "/big.png": Reply(b"x" * 5000, "image/png"),
        "/style.css": Reply(
            b'@import "more.css"; @font-face{src:url(fonts/a.woff2)} '
            b"a{background:url('/bg.png')} b{background:url(data:image/png;base64,AA==)}",
            "text/css; charset=utf-8",
        ),
        "/away": Reply(status=302, headers={"Location": "http://intranet.example/secret.png"}),
        "/elsewhere": Reply(status=302, headers={"Location": "http://other.example/x.png"}),
        "/moved": Reply(status=301, headers={"Location": "/logo.png"}),
    }
    with serve_site(routes) as running:
        yield running


@pytest.fixture
def session(demo_group):
    TrustedDomain.objects.create(group=demo_group, pattern="shop.example")
    return CobrowseSession.objects.create(
        group=demo_group, site=demo_group.sites.get(name="production"), key="123456"
    )


def proxy_path(session, user) -> str:
    return asset_proxy.asset_base(session_id=session.pk, user_id=user.pk)


def fetch(user, session, url: str, *, token_of=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    base = proxy_path(session, token_of or user)
    return client.get(f"{base}&u={quote(url, safe='')}")


def test_agent_gets_an_image_of_a_trusted_domain_from_the_address_checked(
    agent, session, site, dns
):
    dns["shop.example"] = ["127.0.0.1"]

    response = fetch(agent, session, f"http://shop.example:{site.port}/logo.png")

    assert response.status_code == 200
    assert response.content == PNG
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert response["Access-Control-Allow-Origin"] == "http://testserver"
    assert site.requests[0]["headers"]["Host"] == f"shop.example:{site.port}"
    assert "Cookie" not in site.requests[0]["headers"]
    assert "Referer" not in site.requests[0]["headers"]
    assert dns["asked"] == ["shop.example"]  # once: the connection used that answer


def test_a_host_the_group_does_not_list_is_never_contacted(agent, session, site, dns):
    dns["evil.example"] = ["127.0.0.1"]

    response = fetch(agent, session, f"http://evil.example:{site.port}/logo.png")

    assert response.status_code == 403
    assert site.requests == []
    assert dns["asked"] == []


def test_an_asset_domain_the_group_lists_is_fetched(agent, session, site, dns):
    session.group.asset_domains = "cdn.example.net\n*.fonts.example"
    session.group.save()
    dns["a.fonts.example"] = ["127.0.0.1"]

    response = fetch(agent, session, f"http://a.fonts.example:{site.port}/logo.png")

    assert response.status_code == 200
    assert response.content == PNG


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.9",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "::1",
        "fe80::1",
        "fc00::5",
        "::ffff:127.0.0.1",
    ],
)
def test_private_loopback_and_link_local_addresses_are_refused_unless_allowed(
    agent, session, site, dns, settings, address
):
    settings.TANDEM_ASSET_ALLOW_PRIVATE = False
    dns["shop.example"] = [address]

    response = fetch(agent, session, f"http://shop.example:{site.port}/logo.png")

    assert response.status_code == 403
    assert "not a public address" in response.content.decode()
    assert site.requests == []


def test_a_name_with_one_private_address_among_public_ones_is_refused(
    agent, session, site, dns, settings
):
    settings.TANDEM_ASSET_ALLOW_PRIVATE = False
    dns["shop.example"] = ["93.184.216.34", "127.0.0.1"]

    assert fetch(agent, session, "http://shop.example/logo.png").status_code == 403


def test_a_redirect_is_checked_as_the_first_request(
    agent, session, site, dns, settings, monkeypatch
):
    # shop.example (the site on 127.0.0.1) counts as public; intranet.example does not.
    settings.TANDEM_ASSET_ALLOW_PRIVATE = False
    monkeypatch.setattr(asset_proxy, "address_public", lambda address: address == "127.0.0.1")
    TrustedDomain.objects.create(group=session.group, pattern="intranet.example")
    dns["shop.example"] = ["127.0.0.1"]
    dns["intranet.example"] = ["10.0.0.8"]
    dns["other.example"] = ["127.0.0.1"]
    url = f"http://shop.example:{site.port}"

    assert fetch(agent, session, f"{url}/away").status_code == 403  # private address
    assert fetch(agent, session, f"{url}/elsewhere").status_code == 403  # not listed
    moved = fetch(agent, session, f"{url}/moved")
    assert moved.status_code == 200 and moved.content == PNG
    assert "other.example" not in dns["asked"]


@pytest.mark.parametrize("path", ["/page.html", "/app.js"])
def test_pages_and_scripts_are_never_served_from_tandems_origin(agent, session, site, dns, path):
    dns["shop.example"] = ["127.0.0.1"]

    response = fetch(agent, session, f"http://shop.example:{site.port}{path}")

    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/plain")
    assert b"alert" not in response.content


def test_an_asset_over_the_size_cap_is_refused(agent, session, site, dns, settings):
    settings.TANDEM_ASSET_MAX_BYTES = 4096
    dns["shop.example"] = ["127.0.0.1"]

    assert fetch(agent, session, f"http://shop.example:{site.port}/big.png").status_code == 502


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://shop.example/x", "http://u:p@shop.example/"]
)
def test_urls_of_other_schemes_or_with_credentials_are_refused(agent, session, dns, url):
    assert fetch(agent, session, url).status_code == 400


def test_a_stylesheets_own_references_go_through_the_proxy(agent, session, site, dns):
    dns["shop.example"] = ["127.0.0.1"]
    origin = f"http://shop.example:{site.port}"

    # One token for the request and the expectations: a signed token names its second.
    base = proxy_path(session, agent)
    client = Client()
    client.force_login(agent)
    css = client.get(f"{base}&u={quote(origin + '/style.css', safe='')}").content.decode()

    assert f'@import "{base}&u={quote(origin + "/more.css", safe="")}"' in css
    assert f'url("{base}&u={quote(origin + "/fonts/a.woff2", safe="")}")' in css
    assert f'url("{base}&u={quote(origin + "/bg.png", safe="")}")' in css
    assert 'url("data:image/png;base64,AA==")' in css


def test_an_asset_is_fetched_once_then_served_from_the_cache(agent, session, site, dns):
    dns["shop.example"] = ["127.0.0.1"]
    url = f"http://shop.example:{site.port}/logo.png"

    assert fetch(agent, session, url).content == PNG
    assert fetch(agent, session, url).content == PNG

    assert site.paths() == ["/logo.png"]


def test_another_agent_cannot_use_an_agents_token(agent, agent2, session, site, dns):
    dns["shop.example"] = ["127.0.0.1"]

    response = fetch(agent2, session, f"http://shop.example:{site.port}/logo.png", token_of=agent)

    assert response.status_code == 403
    assert site.requests == []


def test_an_agent_of_another_group_gets_nothing(outsider, session, site, dns):
    dns["shop.example"] = ["127.0.0.1"]

    response = fetch(outsider, session, f"http://shop.example:{site.port}/logo.png")

    assert response.status_code == 404
    assert site.requests == []


def test_a_token_of_an_ended_session_fetches_nothing(agent, session, site, dns):
    dns["shop.example"] = ["127.0.0.1"]
    session.state = CobrowseSession.State.ENDED
    session.save()

    assert fetch(agent, session, f"http://shop.example:{site.port}/logo.png").status_code == 404


def test_a_forged_or_missing_token_fetches_nothing(agent, session, site, dns):
    client = Client()
    client.force_login(agent)
    url = quote(f"http://shop.example:{site.port}/logo.png", safe="")

    assert client.get(f"/cobrowse/asset/?s=forged&u={url}").status_code == 403
    assert client.get(f"/cobrowse/asset/?u={url}").status_code == 403
    assert site.requests == []


def test_a_logged_out_browser_fetches_nothing(agent, session, site, dns):
    dns["shop.example"] = ["127.0.0.1"]
    url = quote(f"http://shop.example:{site.port}/logo.png", safe="")

    response = Client().get(f"{proxy_path(session, agent)}&u={url}")

    assert response.status_code == 403
    assert site.requests == []


def agents_named(css: str) -> set[int]:
    """Whose tokens the proxy URLs in `css` carry."""
    tokens = re.findall(r"/cobrowse/asset/\?s=([^&\"]+)", css)
    signer = signing.TimestampSigner(salt="tandem.asset")
    return {signer.unsign_object(unquote(token))["u"] for token in tokens}


def test_a_stylesheet_is_read_once_and_served_to_each_agent_with_its_own_token(
    agent, agent2, session, site, dns
):
    dns["shop.example"] = ["127.0.0.1"]
    url = f"http://shop.example:{site.port}/style.css"

    mine = fetch(agent, session, url).content.decode()
    theirs = fetch(agent2, session, url).content.decode()

    assert site.paths() == ["/style.css"]
    assert agents_named(mine) == {agent.pk}
    assert agents_named(theirs) == {agent2.pk}


def test_nothing_a_site_writes_in_a_stylesheet_passes_for_the_agents_proxy_url(agent, session, dns):
    css = b'a { content: "\x00proxy\x00"; background: url("\\0proxy\\0") }'
    with serve_site({"/nul.css": Reply(css, "text/css")}) as site:
        dns["shop.example"] = ["127.0.0.1"]

        served = fetch(agent, session, f"http://shop.example:{site.port}/nul.css").content

    assert served.count(b"/cobrowse/asset/?s=") == 1  # the url() only
    assert b"\x00" not in served
