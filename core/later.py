"""A service call a socket leaves behind to run after it closed: ending a session whose
visitor did not come back, announcing a presence visitor gone once its page did not
return. The prompt path only: a process that dies first loses it, so each such call has a
sweep behind it that does the same later (cobrowse/sweeps.py, the dashboards' presence
sweep)."""

import asyncio
import logging
from collections.abc import Callable

from channels.db import database_sync_to_async

log = logging.getLogger("tandem.later")

# Strong references: the event loop keeps only weak ones to its tasks.
_pending: set[asyncio.Task] = set()


def call_later(delay: float, service: Callable[..., object], /, **kwargs: object) -> None:
    """Run `service(**kwargs)` on the database thread `delay` seconds from now, in this
    process's event loop; an exception is logged, never raised."""

    async def run() -> None:
        await asyncio.sleep(delay)
        try:
            await database_sync_to_async(service)(**kwargs)
        except Exception:
            log.exception("%s failed %s", service.__qualname__, kwargs)

    task = asyncio.get_running_loop().create_task(run())
    _pending.add(task)
    task.add_done_callback(_pending.discard)
