"""The channel layer of several Tandem processes: channels_redis's pub/sub layer, with the
publishes that queue up while one is in flight sent together in one round trip.

channels_redis publishes one message at a time per Redis connection, behind a lock, each
waiting for Redis's reply before the next may go. At a few hundred frames per second
every frame of the process then waits for all the round trips queued before it, and the
relay falls seconds behind with its CPU half idle. Here each publish joins a queue, and
one task sends whatever has queued in a single pipeline (no transaction) while the
callers wait for their batch's reply: the same order (one queue, one sender), the same
errors for the caller, one round trip per batch instead of per frame.

Only the publishing side changes; subscriptions, receive, groups and flush are
channels_redis's own (pinned in requirements.lock: this reaches into its classes).
"""

import asyncio

from channels_redis.pubsub import (
    RedisPubSubChannelLayer,
    RedisPubSubLoopLayer,
    RedisSingleShardConnection,
)
from channels_redis.utils import _wrap_close

MAX_BATCH = 500  # publishes per round trip


class _BatchingShard(RedisSingleShardConnection):
    def __init__(self, host, channel_layer) -> None:
        super().__init__(host, channel_layer)
        self._outbox: list[tuple[str, bytes, asyncio.Future]] = []
        self._sender: asyncio.Task | None = None

    async def publish(self, channel, message) -> None:
        sent = asyncio.get_running_loop().create_future()
        self._outbox.append((channel, message, sent))
        if self._sender is None or self._sender.done():
            self._sender = asyncio.ensure_future(self._send_queued())
        await sent

    async def _send_queued(self) -> None:
        while self._outbox:
            batch, self._outbox = self._outbox[:MAX_BATCH], self._outbox[MAX_BATCH:]
            try:
                async with self._lock:
                    self._ensure_redis()
                    pipe = self._redis.pipeline(transaction=False)
                    for channel, message, _ in batch:
                        pipe.publish(channel, message)
                    await pipe.execute()
            except BaseException as error:
                for _, _, sent in batch:
                    if not sent.done():
                        sent.set_exception(error)
                if isinstance(error, asyncio.CancelledError):
                    raise
                continue
            for _, _, sent in batch:
                if not sent.done():
                    sent.set_result(None)


class _BatchingLoopLayer(RedisPubSubLoopLayer):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._shards = [_BatchingShard(shard.host, self) for shard in self._shards]


class RedisPubSubLayer(RedisPubSubChannelLayer):
    """`channels_redis.pubsub.RedisPubSubChannelLayer`, publishing in batches."""

    def _get_layer(self):
        loop = asyncio.get_running_loop()
        layer = self._layers.get(loop)
        if layer is None:
            layer = _BatchingLoopLayer(*self._args, **self._kwargs, channel_layer=self)
            self._layers[loop] = layer
            _wrap_close(self, loop)
        return layer
