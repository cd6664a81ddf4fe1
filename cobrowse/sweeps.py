"""The periodic sweep every server process runs (started by core.leases.process_running):
under a lock (core.locks) one process holds at a time, count the sockets of dead
processes as closed and end the sessions their visitors abandoned (cobrowse.services). Whichever
process is alive does it; when it dies, the next one takes over once the lease lapses.
"""

from django.conf import settings

from cobrowse import services
from core import locks

LEASE = "sweep"


def lease_seconds() -> int:
    """How long a sweeper holds the lease at most: a sweep takes far less; a sweeper that
    died frees it after this many seconds, so the next sweep is at most one interval late."""
    return max(5, 2 * settings.TANDEM_SWEEP_SECONDS)


def sweep_if_leased() -> bool:
    """Sweep unless another process is sweeping now; True if this one swept."""
    token = locks.acquire(LEASE, seconds=lease_seconds())
    if token is None:
        return False
    try:
        services.sessions_end_abandoned()
    finally:
        locks.release(LEASE, token)
    return True
