"""A visitor page starts a co-browse session on its socket."""

import re

import pytest

from cobrowse.models import CobrowseSession, SessionEvent
from tests.fixtures import nothing, receive, receive_error, send, start_session

pytestmark = pytest.mark.django_db(transaction=True)


async def test_visitor_starts_a_session_with_a_six_digit_key(demo_group, visitor_socket):
    visitor = await visitor_socket()

    await send(visitor, {"t": "start", "site": "production"})

    started = await receive(visitor)
    assert started == {
        "t": "started",
        "key": started["key"],
        "agents": 0,
        "resume": started["resume"],
        "state": {
            "key": started["key"],
            "agents": 0,
            "agent_names": [],
            "rc": False,
            "accessibility": False,
        },
    }
    assert re.fullmatch(r"\d{6}", started["key"])
    session = await CobrowseSession.objects.select_related("group", "site").aget(key=started["key"])
    assert (session.group.public_id, session.site.name) == (72, "production")
    assert session.state == CobrowseSession.State.ACTIVE
    assert session.visitor_user_agent == "TestBrowser/1.0"
    events = [e async for e in SessionEvent.objects.filter(session=session)]
    assert [(e.type, e.actor) for e in events] == [("started", "visitor")]


async def test_visitor_starts_a_session_with_the_key_its_page_chose(demo_group, visitor_socket):
    visitor = await visitor_socket()

    assert await start_session(visitor, key="9999") == "9999"


async def test_a_null_key_gets_a_random_key(demo_group, visitor_socket):
    visitor = await visitor_socket()

    await send(visitor, {"t": "start", "site": "production", "key": None})

    assert re.fullmatch(r"\d{6}", (await receive(visitor))["key"])


async def test_user_agent_the_page_reports_is_recorded(demo_group, visitor_socket):
    visitor = await visitor_socket()

    await send(visitor, {"t": "start", "site": "production", "ua": "PageAgent/2"})

    session = await CobrowseSession.objects.aget(key=(await receive(visitor))["key"])
    assert session.visitor_user_agent == "PageAgent/2"


async def test_second_visitor_cannot_take_a_live_key(demo_group, visitor_socket):
    first = await visitor_socket()
    await start_session(first, key="9999")
    second = await visitor_socket()

    await send(second, {"t": "start", "site": "production", "key": "9999"})

    assert await receive_error(second) == "key_in_use"
    assert await nothing(first)
    assert await CobrowseSession.objects.filter(key="9999").acount() == 1


async def test_a_key_live_in_another_group_is_free_here(demo_group, other_group, visitor_socket):
    """Keys are unique per group, as in Glance: another tenant's keys are neither
    visible (no "key in use" oracle) nor blocking (no squatting)."""
    first = await visitor_socket(group=72)
    await start_session(first, key="9999")
    second = await visitor_socket(group=73)

    assert await start_session(second, key="9999") == "9999"
    assert await CobrowseSession.objects.filter(key="9999", state="active").acount() == 2


async def test_key_of_an_ended_session_can_be_used_again(demo_group, visitor_socket):
    first = await visitor_socket()
    await start_session(first, key="9999")
    await send(first, {"t": "stop"})
    assert (await receive(first))["t"] == "ended"
    second = await visitor_socket()

    assert await start_session(second, key="9999") == "9999"


async def test_visitor_is_still_usable_after_its_key_was_refused(demo_group, visitor_socket):
    first = await visitor_socket()
    await start_session(first, key="9999")
    second = await visitor_socket()
    await send(second, {"t": "start", "site": "production", "key": "9999"})
    assert await receive_error(second) == "key_in_use"

    assert await start_session(second, key="10000") == "10000"


@pytest.mark.parametrize("key", ["59204gh-42", "GLANCE_KEYTYPE_RANDOM", "a" * 50, "-", "_x_"])
async def test_a_key_in_glances_format_is_taken_as_it_is(demo_group, visitor_socket, key):
    """Glance's keys: letters, digits, '-' and '_', up to 50 characters."""
    visitor = await visitor_socket()

    assert await start_session(visitor, key=key) == key


@pytest.mark.parametrize("key", ["", "abc.1", "üñí", "12 34", "a" * 51, "1/2", "<b>"])
async def test_a_key_outside_glances_format_is_refused(demo_group, visitor_socket, key):
    visitor = await visitor_socket()

    await send(visitor, {"t": "start", "site": "production", "key": key})

    assert await receive_error(visitor) == "bad_frame"
    assert await CobrowseSession.objects.acount() == 0


async def test_start_on_an_unknown_site_is_refused(demo_group, visitor_socket):
    visitor = await visitor_socket()

    await send(visitor, {"t": "start", "site": "nope"})

    assert await receive_error(visitor) == "unknown_site"
    assert await CobrowseSession.objects.acount() == 0


async def test_start_on_a_disabled_site_is_refused(demo_group, visitor_socket):
    visitor = await visitor_socket()

    await send(visitor, {"t": "start", "site": "staging"})

    assert await receive_error(visitor) == "site_disabled"
    assert await CobrowseSession.objects.acount() == 0


async def test_site_of_another_group_is_unknown(demo_group, other_group, visitor_socket):
    await other_group.sites.acreate(name="shop")
    visitor = await visitor_socket(group=72)

    await send(visitor, {"t": "start", "site": "shop"})

    assert await receive_error(visitor) == "unknown_site"


async def test_a_socket_cannot_start_two_sessions(demo_group, visitor_socket):
    visitor = await visitor_socket()
    await start_session(visitor)

    await send(visitor, {"t": "start", "site": "production"})

    assert await receive_error(visitor) == "already_started"
    assert await CobrowseSession.objects.acount() == 1
