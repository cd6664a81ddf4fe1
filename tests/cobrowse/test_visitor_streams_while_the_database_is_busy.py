"""Mirror frames never wait for the thread that runs database work: a slow query (or a
session starting elsewhere in the process) must not hold up every page's stream."""

import asyncio
import threading

import orjson
import pytest
from asgiref.sync import sync_to_async

from tests.fixtures import join, receive_text, send, start_session

pytestmark = pytest.mark.django_db(transaction=True)


async def test_frames_reach_the_agent_while_database_work_is_stuck(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    viewer, _ = await join(agent_socket, visitor, key, agent)
    frames = [
        orjson.dumps({"t": "ev", "s": s, "e": [{"type": 3, "n": s}]}).decode() for s in range(1, 21)
    ]

    release = threading.Event()
    # Occupies the one thread that sync_to_async (and every database call) shares.
    stuck = asyncio.ensure_future(sync_to_async(release.wait)())
    try:
        for frame in frames:
            await send(visitor, frame)
        assert [await receive_text(viewer) for _ in frames] == frames
    finally:
        release.set()
        await stuck
