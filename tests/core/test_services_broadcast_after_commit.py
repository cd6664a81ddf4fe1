"""How every service reaches sockets: `core.layers.broadcast_after_commit`. A message
goes out once the change it announces has committed, never for a change rolled back, and
no service sends to the channel layer any other way."""

import asyncio
import pathlib
import re

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from core.layers import broadcast_after_commit

ROOT = pathlib.Path(__file__).resolve().parents[2]


def member() -> tuple:
    layer = get_channel_layer()

    async def join() -> str:
        channel = await layer.new_channel()
        await layer.group_add("watchers", channel)
        return channel

    return layer, async_to_sync(join)()


def pending(layer, channel) -> list[dict]:
    async def drain() -> list[dict]:
        got = []
        while True:
            try:
                async with asyncio.timeout(0.2):
                    got.append(await layer.receive(channel))
            except TimeoutError:
                return got

    return async_to_sync(drain)()


@pytest.mark.django_db(transaction=True)
def test_a_broadcast_goes_out_when_the_transaction_commits():
    layer, channel = member()
    with transaction.atomic():
        broadcast_after_commit("watchers", {"type": "note", "n": 1})
        assert pending(layer, channel) == []  # not yet: the change is not committed
    assert pending(layer, channel) == [{"type": "note", "n": 1}]


@pytest.mark.django_db(transaction=True)
def test_a_broadcast_of_a_change_rolled_back_never_goes_out():
    layer, channel = member()
    with pytest.raises(RuntimeError), transaction.atomic():
        broadcast_after_commit("watchers", {"type": "note", "n": 1})
        raise RuntimeError("the change fails")
    broadcast_after_commit("watchers", {"type": "note", "n": 2})  # no transaction: at once
    assert pending(layer, channel) == [{"type": "note", "n": 2}]


def test_no_service_sends_to_the_channel_layer_another_way():
    services = [
        path
        for app in ("agents", "cobrowse", "presence", "api")
        for path in (ROOT / app).glob("*.py")
        if path.name in {"services.py", "availability.py", "media.py", "registry.py"}
    ]
    assert services
    for path in services:
        text = path.read_text()
        assert not re.search(r"transaction\.on_commit|group_send\)|group_send_from_sync", text), (
            path
        )
