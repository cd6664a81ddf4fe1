"""A client sends bad frame after bad frame on a socket that stays open: each is answered,
but the log keeps only the first few and then a sample, so one script cannot flood it."""

import logging

import pytest

from core.sockets import REFUSALS_LOG_EVERY, REFUSALS_LOGGED
from tests.fixtures import receive_error, send

pytestmark = pytest.mark.django_db(transaction=True)


async def test_every_bad_frame_is_answered_but_only_a_sample_is_logged(
    demo_group, visitor_socket, caplog
):
    visitor = await visitor_socket()
    sent = REFUSALS_LOG_EVERY + 5

    with caplog.at_level(logging.WARNING, logger="tandem.socket"):
        for _ in range(sent):
            await send(visitor, {"t": "hello"})
            assert await receive_error(visitor) == "unknown_type"

    refused = [r for r in caplog.records if "frame refused" in r.getMessage()]
    assert len(refused) == REFUSALS_LOGGED + 1
    assert refused[-1].getMessage().endswith(f"refusals={REFUSALS_LOG_EVERY}")
