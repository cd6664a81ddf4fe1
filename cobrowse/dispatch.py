"""Channel-layer and socket messages handled on the event loop, with no hop to a thread.

Channels 4.2+ runs `close_old_connections()` before every handler, through the one thread
that `sync_to_async` shares: every frame of every socket of the process waits its turn on
that thread (and on the GIL hand-over to and from it), so one busy process relays frames
seconds late while its CPU is half idle. Tandem's sockets reach the database only through
`database_sync_to_async`, which closes stale connections itself before and after each call
on the thread that uses them; the per-message hop protects nothing here. Handlers must keep
it that way: no Django async ORM calls (`aget`, `acreate`, ...) from a consumer.
"""

from channels.consumer import get_handler_name


class DirectDispatch:
    """Mixin for an `AsyncConsumer`: call the handler for a message's type directly."""

    async def dispatch(self, message: dict) -> None:
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)
