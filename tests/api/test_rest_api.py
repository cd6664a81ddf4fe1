"""The presence REST API: an integration's server (with an API token) or a logged-in agent
looks visitors up, finds them, lists them and signals them, in Glance's shapes. Bad input
gets one error shape and a line in the log, and nothing is stored."""

import io
import json
import logging
import re
from datetime import datetime

import pytest
from django.core.management import CommandError, call_command
from django.test import AsyncClient, Client
from drf_spectacular.validation import validate_schema

from agents.models import Membership
from api.models import ApiToken
from api.services import token_create
from presence.models import PendingMessage
from tests.fixtures import nothing, receive, send
from tests.presence.test_presence_socket import hello, listing
from tests.presence.test_unique_connections import connect_unique

pytestmark = pytest.mark.django_db(transaction=True)

PRESENCE_PATHS = [
    "/presence/lookupvisitor",
    "/presence/findvisitor",
    "/presence/signalvisitor",
    "/presence/visitors",
]


@pytest.fixture
def key(agent, demo_group) -> str:
    """The key of an API token acting as `agent` in group 72."""
    return token_create(user=agent, group=demo_group, name="crm")[1]


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def api(key) -> Client:
    return Client(headers=bearer(key))


class TokenClient(AsyncClient):
    """Sends the token with every request: headers given to an AsyncClient itself reach the
    application in WSGI form, which an ASGI request drops."""

    def __init__(self, key: str) -> None:
        super().__init__()
        self.token = bearer(key)

    async def get(self, *args, **kwargs):
        return await super().get(*args, headers=self.token, **kwargs)

    async def post(self, *args, **kwargs):
        return await super().post(*args, headers=self.token, **kwargs)


@pytest.fixture
def api_async(key) -> TokenClient:
    return TokenClient(key)


@pytest.fixture
def api_log(caplog):
    """What the `tandem.api` logger writes (the `tandem` loggers do not propagate)."""
    logger = logging.getLogger("tandem.api")
    logger.addHandler(caplog.handler)
    yield caplog
    logger.removeHandler(caplog.handler)


def refused(response, status: int, code: str) -> bool:
    """The response is the one error shape, with this status and code."""
    body = response.json()
    assert (response.status_code, body.get("code")) == (status, code), body
    assert set(body) == {"t", "code", "msg"} and body["t"] == "error" and body["msg"], body
    return True


def post_json(client, path: str, body) -> object:
    return client.post(path, json.dumps(body), content_type="application/json")


# Authentication.


async def test_token_holder_looks_up_an_online_visitor(
    demo_group, agent, key, api_async, presence_socket, dashboard_socket
):
    dashboard = await dashboard_socket(agent)
    await listing(dashboard)
    page = await presence_socket()
    await hello(page, "v-9")
    await receive(dashboard)
    await send(page, {"t": "presence", "title": "Checkout", "data": {"cart": 2}})
    assert (await receive(dashboard))["visitor"]["title"] == "Checkout"

    response = await api_async.get("/presence/lookupvisitor", {"groupid": 72, "visitorid": "v-9"})

    assert response.status_code == 200
    found = response.json()
    assert (found["groupid"], found["visitorid"]) == (72, "v-9")
    # Glance's shape: when the visitor came online, the answer's time, and where to signal.
    since = datetime.fromisoformat(found["visitorpresent"])
    assert since <= datetime.fromisoformat(found["timestamp"])
    assert since.timestamp() == pytest.approx(found["visitor"]["since"], abs=0.001)
    assert found["direct"] == found["ds"] == found["directserver"] == "testserver/presence"
    assert (found["visitor"]["title"], found["visitor"]["data"]) == ("Checkout", {"cart": 2})
    assert (await ApiToken.objects.aget()).last_used_at is not None


def test_lookup_of_an_offline_visitor_says_it_is_not_present(demo_group, api):
    response = api.get("/presence/lookupvisitor", {"groupid": 72, "visitorid": "v-absent"})

    assert response.status_code == 200
    found = response.json()
    assert datetime.fromisoformat(found.pop("timestamp")).tzinfo is not None
    assert found == {
        "groupid": 72,
        "visitorid": "v-absent",
        "visitorpresent": False,
        "visitor": None,
    }


@pytest.mark.parametrize("path", PRESENCE_PATHS)
def test_request_without_credentials_is_unauthenticated(demo_group, client, path, api_log):
    response = client.get(path, {"groupid": 72, "visitorid": "v-1"})

    assert refused(response, 401, "unauthenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "code=unauthenticated" in api_log.text


@pytest.mark.parametrize("how", ["unknown", "revoked", "malformed", "inactive user"])
def test_bad_or_revoked_token_is_refused(demo_group, agent, key, how, api_log):
    headers = bearer("tdm_" + "x" * 43)
    if how == "revoked":
        ApiToken.objects.update(revoked=True)
        headers = bearer(key)
    elif how == "malformed":
        headers = {"Authorization": f"Bearer {key} extra"}
    elif how == "inactive user":
        agent.is_active = False
        agent.save()
        headers = bearer(key)

    response = Client(headers=headers).get("/presence/visitors", {"groupid": 72})

    assert refused(response, 401, "bad_token")
    assert "code=bad_token" in api_log.text
    assert key not in api_log.text


def test_logged_in_agent_uses_its_session_with_csrf_for_posts(demo_group, agent):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(agent)
    assert browser.get("/presence/visitors", {"groupid": 72}).json() == {
        "groupid": 72,
        "visitors": [],
    }
    body = {"groupid": 72, "visitorid": "v-1", "mtype": "signal", "data": {"n": 1}}

    assert refused(post_json(browser, "/presence/signalvisitor", body), 403, "forbidden")
    assert not PendingMessage.objects.exists()

    browser.get("/accounts/login/")  # any Tandem page with a form sets the CSRF cookie
    csrf = browser.cookies["csrftoken"].value
    response = browser.post(
        "/presence/signalvisitor",
        json.dumps(body),
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert response.status_code == 200 and response.json()["online"] is False
    assert PendingMessage.objects.get().sent_by == "agent"


# Groups.


@pytest.mark.parametrize("groupid", [72, 99])
def test_agent_of_another_group_finds_nothing_whether_the_group_exists_or_not(
    demo_group, outsider, client, groupid, api_log
):
    client.force_login(outsider)

    response = client.get("/presence/lookupvisitor", {"groupid": groupid, "visitorid": "v-1"})

    assert refused(response, 404, "not_found")
    assert "code=not_found group=" in api_log.text and "user=outsider" in api_log.text


def test_token_reaches_only_its_own_group_while_the_agents_session_reaches_all_of_theirs(
    demo_group, other_group, agent, api, client
):
    Membership.objects.create(user=agent, group=other_group)
    client.force_login(agent)

    assert refused(api.get("/presence/visitors", {"groupid": 73}), 404, "not_found")
    assert api.get("/presence/visitors", {"groupid": 72}).status_code == 200
    assert client.get("/presence/visitors", {"groupid": 73}).status_code == 200


def test_token_stops_working_in_a_group_its_agent_left(demo_group, agent, api):
    Membership.objects.filter(user=agent).delete()

    assert refused(api.get("/presence/visitors", {"groupid": 72}), 404, "not_found")


# findvisitor and visitors.


async def test_findvisitor_finds_a_unique_code_and_says_where_to_signal(
    demo_group, agent, api_async, clock, presence_socket, dashboard_socket
):
    dashboard = await dashboard_socket(agent)
    await listing(dashboard)
    code = await connect_unique(await presence_socket())
    await receive(dashboard)
    await hello(await presence_socket(), "v-1")
    await receive(dashboard)

    async def find(**query) -> dict:
        response = await api_async.get("/presence/findvisitor", {"groupid": 72, **query})
        assert response.status_code == 200, response.json()
        return response.json()

    assert await find(uniqueid=code) == {
        "groupid": 72,
        "visitorid": code,
        "visitorfound": True,
        "direct": "testserver/presence",
        "directserver": "testserver/presence",
    }
    assert (await find(visitorid="v-1"))["visitorfound"] is True
    assert (await find(uniqueid="v-1"))["visitorfound"] is False  # online, but not unique
    assert await find(uniqueid="123") == {"groupid": 72, "visitorid": "123", "visitorfound": False}
    both = await api_async.get(
        "/presence/findvisitor", {"groupid": 72, "visitorid": "v-1", "uniqueid": code}
    )
    assert refused(both, 400, "bad_frame")


async def test_visitors_lists_who_is_online_longest_first(
    demo_group, agent, api_async, clock, presence_socket, dashboard_socket
):
    dashboard = await dashboard_socket(agent)
    await listing(dashboard)
    await hello(await presence_socket(), "v-first")
    await receive(dashboard)
    clock.advance(1)
    await hello(await presence_socket(), "v-second")
    await receive(dashboard)

    response = await api_async.get("/presence/visitors", {"groupid": 72})

    assert [v["visitorid"] for v in response.json()["visitors"]] == ["v-first", "v-second"]


# signalvisitor.


async def test_signal_to_an_offline_visitor_is_stored_once_and_delivered_on_connect(
    demo_group, api_async, presence_socket
):
    response = await api_async.post(
        "/presence/signalvisitor?groupid=72&visitorid=v-away",  # Glance's shape
        {"mtype": "signal", "data": {"text": "hello"}},
        content_type="application/json",
    )

    assert response.status_code == 200
    sent = response.json()
    assert sent == {
        "groupid": 72,
        "visitorid": "v-away",
        "mtype": "signal",
        "id": sent["id"],
        "online": False,
    }
    assert await PendingMessage.objects.acount() == 1
    page = await presence_socket()
    await hello(page, "v-away")
    assert await receive(page) == {"t": "signal", "id": sent["id"], "data": {"text": "hello"}}
    await send(page, {"t": "ack", "id": sent["id"]})
    await page.disconnect()
    again = await presence_socket()
    await hello(again, "v-away")
    assert await nothing(again)
    assert not await PendingMessage.objects.aexists()


async def test_invoke_by_its_glance_name_reaches_an_online_visitor(
    demo_group, agent, api_async, presence_socket, dashboard_socket
):
    dashboard = await dashboard_socket(agent)
    await listing(dashboard)
    page = await presence_socket()
    await hello(page, "v-1")
    await receive(dashboard)

    response = await api_async.post(
        "/presence/signalvisitor",
        {
            "groupid": 72,
            "visitorid": "v-1",
            "mtype": "invoke",
            "data": {"func": "GLANCE.Cobrowse.Visitor.startSession", "args": {"sessionKey": "42"}},
        },
        content_type="application/json",
    )

    assert response.status_code == 200 and response.json()["online"] is True
    assert await receive(page) == {
        "t": "invoke",
        "id": response.json()["id"],
        "func": "startSession",
        "args": {"sessionKey": "42"},
    }


@pytest.mark.parametrize(
    "body",
    [
        {"mtype": "invoke", "data": {"func": "eval", "args": {}}},
        {"mtype": "invoke", "data": {"func": "startSession", "args": {"a": {"b": 1}}}},
        {"mtype": "invoke", "data": "startSession"},
        {"mtype": "signal", "data": {"a": {"nested": 1}}},
        {"mtype": "signal", "data": {"a": [1]}},
        {"mtype": "signal", "data": {"a": True}},
        {"mtype": "signal", "data": [1, 2]},
        {"mtype": "signal", "data": "text"},
        {"mtype": "signal", "data": {"long": "x" * 1001}},
        {"mtype": "signal", "data": {f"k{n}": n for n in range(51)}},
        {"mtype": "shout", "data": {}},
        {"data": {}},
        {"mtype": "signal", "visitorid": "has space"},
        {"mtype": "signal", "groupid": 73},  # the query string says 72
        {"mtype": "signal", "groupid": "seventy-two"},
        [{"mtype": "signal"}],
    ],
)
def test_bad_signal_is_refused_logged_and_nothing_stored(
    demo_group, other_group, api, body, api_log
):
    response = post_json(api, "/presence/signalvisitor?groupid=72&visitorid=v-1", body)

    assert refused(response, 400, "bad_frame")
    assert not PendingMessage.objects.exists()
    assert "refused POST /presence/signalvisitor status=400 code=bad_frame" in api_log.text


def test_signal_without_a_target_is_refused(demo_group, api):
    response = post_json(api, "/presence/signalvisitor", {"mtype": "signal", "data": {}})

    assert refused(response, 400, "bad_frame")
    assert "groupid" in response.json()["msg"] and "visitorid" in response.json()["msg"]


def test_body_that_is_not_json_is_refused(demo_group, api):
    response = api.post(
        "/presence/signalvisitor?groupid=72&visitorid=v-1",
        "{mtype: signal",
        content_type="application/json",
    )

    assert refused(response, 400, "bad_json")
    assert not PendingMessage.objects.exists()


@pytest.mark.parametrize(
    "pad",
    [
        300_000,  # over the API's own bound
        3_000_000,  # over Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) too
    ],
)
def test_oversized_body_is_refused(demo_group, api, pad):
    body = {"mtype": "signal", "data": {"pad": "x" * pad}}

    response = post_json(api, "/presence/signalvisitor?groupid=72&visitorid=v-1", body)

    assert refused(response, 413, "too_big")
    assert not PendingMessage.objects.exists()


@pytest.mark.parametrize("data", [{"n": 1}, {"a": {"nested": 1}}])
def test_signal_to_a_visitor_of_another_group_is_not_found_and_nothing_stored(
    demo_group, other_group, agent, api, client, data
):
    body = {"groupid": 73, "visitorid": "v-1", "mtype": "signal", "data": data}
    client.force_login(agent)

    assert refused(post_json(api, "/presence/signalvisitor", body), 404, "not_found")
    assert refused(post_json(client, "/presence/signalvisitor", body), 404, "not_found")
    assert not PendingMessage.objects.exists()


# Schema, tokens.


def test_schema_is_valid_openapi_describing_every_presence_endpoint(client):
    response = client.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = json.loads(response.content)
    validate_schema(schema)
    assert set(PRESENCE_PATHS) <= set(schema["paths"])
    assert schema["paths"]["/presence/signalvisitor"]["post"]["requestBody"]
    assert schema["components"]["securitySchemes"]["apiToken"]["scheme"] == "bearer"


def test_api_docs_page_loads_nothing_from_a_cdn(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    page = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in assets
    assert all(asset.startswith("/") and client.get(asset).status_code == 200 for asset in assets)


def test_apitoken_command_prints_a_token_that_works(demo_group, agent):
    out = io.StringIO()

    call_command("apitoken", "agent", "72", "--name", "crm", stdout=out, stderr=io.StringIO())

    key = out.getvalue().strip()
    assert key.startswith("tdm_")
    token = ApiToken.objects.get()
    assert (token.name, token.prefix, token.key_hash != key) == ("crm", key[:12], True)
    response = Client(headers=bearer(key)).get("/presence/visitors", {"groupid": 72})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("username", "group"), [("nobody", "72"), ("agent", "99"), ("outsider", "72")]
)
def test_apitoken_command_refuses_what_is_not_an_agent_of_the_group(
    demo_group, agent, outsider, username, group
):
    with pytest.raises(CommandError):
        call_command("apitoken", username, group, stdout=io.StringIO(), stderr=io.StringIO())
    assert not ApiToken.objects.exists()


def test_admin_makes_a_token_and_sees_its_key_once(admin_client, demo_group, agent):
    response = admin_client.post(
        "/admin/api/apitoken/add/",
        {"user": agent.pk, "group": demo_group.pk, "name": "crm"},
        follow=True,
    )

    assert response.status_code == 200
    [message] = [m.message for m in response.context["messages"] if "key is" in m.message]
    key = message.split("key is ")[1].split()[0]
    token = ApiToken.objects.get()
    assert Client(headers=bearer(key)).get("/presence/visitors", {"groupid": 72}).status_code == 200
    page = admin_client.get(f"/admin/api/apitoken/{token.pk}/change/").content.decode()
    assert token.prefix in page and key not in page
