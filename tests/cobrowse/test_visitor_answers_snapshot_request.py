"""The visitor page answers an agent's snapshot request: the snapshot goes to that agent only."""

import json
import time
from types import SimpleNamespace
from unittest import mock

import pytest
from django.core import signing

from tests.fixtures import (
    agents_count,
    join,
    nothing,
    receive,
    receive_text,
    send,
    start_session,
)

pytestmark = pytest.mark.django_db(transaction=True)


def snap(to: list | None, marker: str) -> str:
    frame: dict = {"t": "snap", "s": 0, "e": [{"type": 2, "data": {"marker": marker}}]}
    if to is not None:
        frame["to"] = to
    return json.dumps(frame)


async def test_snapshot_goes_to_the_agent_that_asked(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    viewer, rid = await join(agent_socket, visitor, key, agent)

    answer = snap([rid], "for-agent")
    await send(visitor, answer)

    assert await receive_text(viewer) == answer


async def test_request_named_twice_gets_the_snapshot_once(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    viewer, rid = await join(agent_socket, visitor, key, agent)

    answer = snap([rid, rid], "once")
    await send(visitor, answer)

    assert await receive_text(viewer) == answer
    assert await nothing(viewer)


async def test_snapshot_for_a_new_agent_does_not_reach_an_agent_already_watching(
    demo_group, agent, agent2, visitor_socket, agent_socket
):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    first, first_rid = await join(agent_socket, visitor, key, agent)
    await send(visitor, snap([first_rid], "first"))
    assert json.loads(await receive_text(first))["e"][0]["data"]["marker"] == "first"
    second, second_rid = await join(agent_socket, visitor, key, agent2)
    assert await agents_count(first) == 2

    answer = snap([second_rid], "second")
    await send(visitor, answer)

    assert await receive_text(second) == answer
    assert await nothing(first)


async def test_snapshot_for_several_agents_reaches_each_of_them(
    demo_group, agent, agent2, visitor_socket, agent_socket
):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    first, first_rid = await join(agent_socket, visitor, key, agent)
    second, second_rid = await join(agent_socket, visitor, key, agent2)
    assert await agents_count(first) == 2

    answer = snap([first_rid, second_rid], "both")
    await send(visitor, answer)

    assert await receive_text(first) == answer
    assert await receive_text(second) == answer


async def test_snapshot_without_recipients_reaches_every_agent(
    demo_group, agent, agent2, visitor_socket, agent_socket
):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    first, _ = await join(agent_socket, visitor, key, agent)
    second, _ = await join(agent_socket, visitor, key, agent2)
    assert await agents_count(first) == 2

    answer = snap(None, "all")
    await send(visitor, answer)

    assert await receive_text(first) == answer
    assert await receive_text(second) == answer


@pytest.mark.parametrize(
    "to",
    [
        ["garbage"],
        [""],
        [12345],
        [None, {"rid": 1}, ["nested"]],
        ["specific.inmemory!abcdef"],
        ["x" * 10_000],
    ],
    ids=["garbage", "empty", "number", "odd-types", "a-channel-name", "long"],
)
async def test_snapshot_with_a_forged_request_id_reaches_nobody(
    demo_group, agent, visitor_socket, agent_socket, to
):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    viewer, rid = await join(agent_socket, visitor, key, agent)

    await send(visitor, snap(to, "forged"))

    assert await nothing(viewer)
    assert await nothing(visitor)
    honest = snap([rid], "honest")
    await send(visitor, honest)
    assert await receive_text(viewer) == honest


async def test_snapshot_with_a_tampered_request_id_reaches_nobody(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    viewer, rid = await join(agent_socket, visitor, key, agent)
    tampered = rid[:-1] + ("A" if rid[-1] != "A" else "B")

    await send(visitor, snap([tampered], "tampered"))

    assert await nothing(viewer)


async def test_visitor_cannot_send_a_snapshot_to_an_agent_of_another_session(
    demo_group, agent, agent2, visitor_socket, agent_socket
):
    """A request id is only good for the session it was issued in."""
    victim_visitor = await visitor_socket()
    victim_key = await start_session(victim_visitor)
    victim_agent, victim_rid = await join(agent_socket, victim_visitor, victim_key, agent)
    attacker = await visitor_socket()
    attacker_key = await start_session(attacker)
    attacker_agent, _ = await join(agent_socket, attacker, attacker_key, agent2)
    # The victim's viewer hears of the new session in its group, and nothing more.
    assert (await receive(victim_agent))["t"] == "session_new"

    await send(attacker, snap([victim_rid], "injected"))

    assert await nothing(victim_agent)
    assert await nothing(attacker_agent)


async def test_snapshot_answering_an_expired_request_reaches_nobody(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    two_minutes_ago = SimpleNamespace(time=lambda: time.time() - 120)
    with mock.patch.object(signing, "time", two_minutes_ago):
        viewer, stale_rid = await join(agent_socket, visitor, key, agent)

    await send(visitor, snap([stale_rid], "stale"))

    assert await nothing(viewer)
