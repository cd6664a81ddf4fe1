"""An agent whose viewer stops reading while the page streams: the server keeps only a
bounded amount waiting for it (measured as the daphne process's resident memory), the
viewer loses frames rather than the server growing, and once it reads again it gets the
page's frames again, with a gap its viewer answers by asking for a snapshot."""

import asyncio

import pytest

from tests.cobrowse import wire
from tests.servers import prepare_database, server_env, start_server, stop_server

PENDING_LIMIT = 1024 * 1024
FRAME = 250_000  # bytes of one mirror frame
STREAMED = 392  # frames: 98 MB
MiB = 1024 * 1024


@pytest.fixture(scope="module")
def slow_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("slow")
    env = server_env(tmp, TANDEM_WS_MAX_PENDING_BYTES=str(PENDING_LIMIT))
    prepare_database(env)
    server = start_server(env, tmp / "daphne.log")
    yield server
    stop_server(server)


def mirror_frame(seq: int) -> dict:
    pad = "x" * (FRAME - 80)
    return {"t": "ev", "s": seq, "e": [{"type": 3, "timestamp": seq, "data": {"pad": pad}}]}


async def stream(visitor, seqs: range) -> None:
    """The page sends these frames, 2 MB at a time: what is measured is what waits to be
    sent to the viewer, not what waits to be read from the page. The server has handled
    them all when this returns."""
    for seq in seqs:
        await wire.send(visitor, mirror_frame(seq))
        if seq % 8 == 0 or seq == seqs[-1]:
            await wire.send(visitor, {"t": "handoff"})
            await wire.frame_of(visitor, "handoff")


def read_until(viewer: wire.RawSocket, seq: int) -> list[int]:
    """What the viewer reads once it reads again: the sequence numbers of its `ev` frames,
    up to the first numbered `seq` or later."""
    seen = []
    for frame in viewer.text_frames():
        if frame["t"] == "ev":
            seen.append(frame["s"])
            if frame["s"] >= seq:
                return seen
    raise AssertionError("the viewer's socket closed")


async def test_viewer_that_does_not_read_costs_the_server_bounded_memory(slow_server):
    cookie = await asyncio.to_thread(wire.log_in, slow_server)
    visitor = await wire.start_session(slow_server, "slow1")
    viewer = await asyncio.to_thread(wire.agent_viewer, slow_server, "slow1", cookie)
    await wire.frame_of(visitor, "agents", count=1)
    # Warm up, and fill the kernel's socket buffers between server and viewer.
    await stream(visitor, range(1, 25))
    before = wire.rss_bytes(slow_server.proc.pid)

    await stream(visitor, range(25, 25 + STREAMED))

    grown = wire.rss_bytes(slow_server.proc.pid) - before
    assert grown < 40 * MiB, f"the server grew by {grown / MiB:.0f} MiB"
    # The viewer reads again: once it has caught up, the page's frames reach it again.
    reading = asyncio.ensure_future(asyncio.to_thread(read_until, viewer, 1000))
    async with asyncio.timeout(wire.WAIT):
        for seq in range(1000, 2000):
            await stream(visitor, range(seq, seq + 1))
            await asyncio.wait([reading], timeout=0.05)  # polling the viewer's progress
            if reading.done():
                break
    seen = reading.result()
    assert len(seen) < 24 + STREAMED + 1  # frames were dropped, not queued
    assert seen[-2] < 24 + STREAMED  # and the last of the stream was among them
    await asyncio.to_thread(viewer.abort)
    await visitor.close()
