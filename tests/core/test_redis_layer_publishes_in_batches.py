"""The default layer with REDIS_URL sends publishes that queue up together: every frame
still arrives once and in order, and a publish Redis refuses fails its caller, never
hangs it."""

import asyncio

import pytest
import redis.exceptions

from core.redis_layer import RedisPubSubLayer
from tests.browser import test_two_servers as scale
from tests.servers import free_port

redis_url = scale.redis_url


async def test_queued_publishes_arrive_once_in_order(redis_url):
    layer = RedisPubSubLayer(hosts=[{"address": redis_url}])
    try:
        agent = await layer.new_channel()
        await layer.group_add("session.1.agents", agent)
        sends = [
            layer.group_send("session.1.agents", {"type": "mirror.frame", "text": str(n)})
            for n in range(300)
        ]
        await asyncio.gather(*sends)  # all queued at once: sent in a few round trips

        async with asyncio.timeout(10):
            texts = [(await layer.receive(agent))["text"] for _ in range(300)]
        assert texts == [str(n) for n in range(300)]
    finally:
        await layer.flush()


async def test_a_publish_redis_cannot_take_fails_its_caller():
    nothing_listens = f"redis://127.0.0.1:{free_port()}/0"
    layer = RedisPubSubLayer(hosts=[{"address": nothing_listens}])
    try:
        for _ in range(2):  # and the next one too: the sender is not stuck
            with pytest.raises(redis.exceptions.ConnectionError):
                async with asyncio.timeout(10):
                    await layer.group_send("session.1.agents", {"type": "mirror.frame"})
    finally:
        await layer.flush()
