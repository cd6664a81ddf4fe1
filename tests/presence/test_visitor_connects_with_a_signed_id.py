"""A group requires signed visitor ids: a presence connection must carry the id's
signature, the hex HMAC-SHA256 the integrator's backend computes with the group's secret.
Knowing a visitor's id is then not enough to be that visitor."""

import hashlib
import hmac

import pytest

from cobrowse.models import Group
from tests.fixtures import close_code, receive, receive_error, send

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "group-72-visitor-secret"


def sign(visitor_id: str, secret: str = SECRET) -> str:
    """What the integrator's backend does (docs/deploy.md)."""
    return hmac.new(secret.encode(), visitor_id.encode(), hashlib.sha256).hexdigest()


@pytest.fixture
def signed_group(demo_group) -> Group:
    demo_group.signed_visitor_ids = True
    demo_group.visitor_id_secret = SECRET
    demo_group.save()
    return demo_group


async def test_a_rightly_signed_id_connects(signed_group, presence_socket):
    page = await presence_socket()

    await send(page, {"t": "hello", "visitorid": "v-1", "visitorsig": sign("v-1")})

    assert await receive(page) == {"t": "connected", "visitorid": "v-1"}


async def test_the_signature_may_be_upper_case_hex(signed_group, presence_socket):
    page = await presence_socket()

    await send(page, {"t": "hello", "visitorid": "v-1", "visitorsig": sign("v-1").upper()})

    assert (await receive(page))["t"] == "connected"


@pytest.mark.parametrize(
    "signature",
    [
        None,
        "",
        sign("v-2"),  # another visitor's signature
        sign("v-1", "another-groups-secret"),
        "0" * 64,
        "not hex at all",
        # Not ASCII: no signature of ours, and no reason for a server fault.
        pytest.param("é" * 64, id="not-ascii"),
        pytest.param(sign("v-1")[:63] + "\u0660", id="arabic-indic-digit-last"),
    ],
)
async def test_an_unsigned_or_wrongly_signed_id_is_refused(
    signed_group, presence_socket, signature
):
    page = await presence_socket()
    frame = {"t": "hello", "visitorid": "v-1"}
    if signature is not None:
        frame["visitorsig"] = signature

    await send(page, frame)

    assert await receive_error(page) == "forbidden"
    assert await close_code(page) == 4403


async def test_a_refused_id_never_shows_on_the_dashboard(
    signed_group, agent, presence_socket, dashboard_socket
):
    page = await presence_socket()
    await send(page, {"t": "hello", "visitorid": "v-1", "visitorsig": sign("v-1", "guess")})
    assert await receive_error(page) == "forbidden"

    dashboard = await dashboard_socket(agent)

    assert (await receive(dashboard))["t"] == "sessions"
    assert (await receive(dashboard))["visitors"] == []


async def test_a_signature_too_long_to_be_one_is_a_bad_frame(signed_group, presence_socket):
    page = await presence_socket()

    await send(page, {"t": "hello", "visitorid": "v-1", "visitorsig": "a" * 500})

    assert await receive_error(page) == "bad_frame"


async def test_a_unique_connection_needs_no_signature(signed_group, presence_socket):
    """The server picks a unique connection's id: nobody can name one in advance."""
    page = await presence_socket()

    await send(page, {"t": "hello", "unique": True})

    assert (await receive(page))["t"] == "connected"


async def test_a_group_that_does_not_require_signatures_takes_plain_ids(
    demo_group, presence_socket
):
    page = await presence_socket()

    await send(page, {"t": "hello", "visitorid": "v-1", "visitorsig": "whatever"})

    assert (await receive(page))["t"] == "connected"


def test_every_group_gets_its_own_secret(db):
    first = Group.objects.create(public_id=101, name="A")
    second = Group.objects.create(public_id=102, name="B")

    assert len(first.visitor_id_secret) >= 40
    assert first.visitor_id_secret != second.visitor_id_secret
    assert not first.signed_visitor_ids
