"""What a visitor's page shows, masked or not, passes through Tandem and is never kept:
not in any database row, not in the logs."""

import json
import logging

import pytest
from asgiref.sync import sync_to_async
from django.db import connection

from cobrowse.models import CobrowseSession, SessionEvent
from tests.fixtures import join, receive, receive_error, receive_text, send, start_session

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "zq-4417-2231-9001-secret"
MASKED = "zq-masked-home-address"


@pytest.fixture
def tandem_log():
    """Every record the `tandem` loggers emit (they do not propagate to the root logger)."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler(level=logging.DEBUG)
    handler.emit = records.append
    logger = logging.getLogger("tandem")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.DEBUG)
    yield records
    logger.removeHandler(handler)
    logger.setLevel(level)


def every_stored_value() -> str:
    """Every row of every table, as one text."""
    rows = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(rows)


async def test_relayed_page_content_leaves_no_trace(
    demo_group, agent, visitor_socket, agent_socket, tandem_log
):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    viewer, rid = await join(agent_socket, visitor, key, agent)
    page = [{"type": 2, "data": {"text": SECRET, "masked": MASKED}}]
    frames = [
        json.dumps({"t": "snap", "s": 0, "to": [rid], "e": page}),
        json.dumps({"t": "ev", "s": 1, "e": page}),
        json.dumps({"t": "ev", "s": 2, "part": 0, "parts": 1, "d": json.dumps(page)}),
    ]
    for frame in frames:
        await send(visitor, frame)
        assert await receive_text(viewer) == frame
    for bad in [
        {"t": "ev", "s": SECRET, "e": page},
        {"t": "snap", "s": 0, "to": [SECRET], "e": page},
        {"t": "ev", "s": 3, "d": SECRET, "part": 5, "parts": 1},
    ]:
        await send(visitor, bad)
    assert await receive_error(visitor) == "bad_frame"
    assert await receive_error(visitor) == "bad_frame"
    await send(visitor, {"t": "stop"})
    assert (await receive(visitor))["t"] == "ended"

    stored = await sync_to_async(every_stored_value)()
    assert key in stored  # the dump does see the session
    assert SECRET not in stored and MASKED not in stored
    logged = "\n".join(record.getMessage() for record in tandem_log)
    assert key in logged  # the log does see the session
    assert SECRET not in logged and MASKED not in logged


async def test_session_rows_hold_only_lifecycle_facts(
    demo_group, agent, visitor_socket, agent_socket, settings
):
    settings.TANDEM_VISITOR_GRACE_SECONDS = 0  # no wait for the page to come back
    visitor = await visitor_socket()
    key = await start_session(visitor)
    viewer, rid = await join(agent_socket, visitor, key, agent)
    await send(visitor, {"t": "snap", "s": 0, "to": [rid], "e": [{"text": SECRET}]})
    await receive_text(viewer)
    await viewer.disconnect()
    await visitor.disconnect()

    session = await CobrowseSession.objects.aget(key=key)
    assert {f.name for f in CobrowseSession._meta.concrete_fields} == {
        "id",
        "group",
        "site",
        "key",
        "state",
        "started_at",
        "ended_at",
        "visitor_user_agent",
        # Start parameters the integrator's page passes (Glance's name, email, phone): who
        # the visitor is, never what the page shows.
        "visitor_name",
        "visitor_email",
        "visitor_phone",
        "agents_watching",
        "agents_joined",
        "visitors_connected",
        "visitor_left_at",
        "focused_channel",
        "rc_state",
        "rc_holder",
        "accessibility",
        "share_by",
        "share_view",
        "share_paused",
        "reverse_state",
        "reverse_only",
    }
    assert SECRET not in repr(
        [getattr(session, f.attname) for f in CobrowseSession._meta.concrete_fields]
    )
    events = [e async for e in SessionEvent.objects.filter(session=session)]
    assert [(e.type, e.actor, e.detail) for e in events] == [
        ("started", "visitor", ""),
        ("agent_joined", "agent", ""),
        ("agent_left", "agent", ""),
        ("ended", "visitor", "disconnected"),
    ]


async def test_screen_share_signalling_leaves_no_trace(
    demo_group, agent, visitor_socket, agent_socket, tandem_log
):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    viewer, _ = await join(agent_socket, visitor, key, agent)
    await send(viewer, {"t": "share_start", "view": "glance_screenshare"})
    await receive(visitor)
    await receive(viewer)

    offer = {"t": "rtc", "peer": "p1", "kind": "offer", "data": {"sdp": SECRET}}
    await send(viewer, offer)
    assert (await receive(visitor))["data"] == {"sdp": SECRET}
    await send(visitor, {**offer, "kind": "answer", "data": {"sdp": MASKED}})
    assert (await receive(viewer))["data"] == {"sdp": MASKED}

    stored = await sync_to_async(every_stored_value)()
    assert key in stored and SECRET not in stored and MASKED not in stored
    logged = "\n".join(record.getMessage() for record in tandem_log)
    assert SECRET not in logged and MASKED not in logged
