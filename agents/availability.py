"""Agent availability: an agent is available to a group while it says so on the dashboard
and one of its dashboards is open. Visitor pages hear whether anyone is (Surfly's
agent_status, site_connect's chat buttons).

The open dashboards of each group live in Django's cache (every process sees them), one
entry per group mapping a dashboard's channel to its agent, whether that agent is
available, and when the dashboard was last heard from; entries of dashboards that went
silent (their process died) stop counting after TANDEM_AVAILABILITY_TIMEOUT_SECONDS.
"""

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache

from agents.models import Availability
from core import groups, locks
from core.layers import broadcast_after_commit, frame_after_commit
from core.protocol import STATUS

log = logging.getLogger("tandem.availability")

_LOCK_SECONDS = 5


def now() -> float:
    """The availability clock (one place for tests to move it)."""
    return time.time()


def _key(group_id: int) -> str:
    return f"tandem.available.{group_id}"


@contextmanager
def _dashboards(group_id: int) -> Iterator[dict]:
    """The group's open dashboards, for a read-modify-write no other process interleaves
    (core.locks: never without the lock; LockBusy if it stays taken)."""
    with locks.held(_key(group_id), seconds=_LOCK_SECONDS):
        dashboards = cache.get(_key(group_id)) or {}
        yield dashboards
        cache.set(_key(group_id), dashboards, timeout=None)


def _any_available(dashboards: dict, at: float) -> bool:
    timeout = settings.TANDEM_AVAILABILITY_TIMEOUT_SECONDS
    return any(d["available"] and at - d["seen"] <= timeout for d in dashboards.values())


def _announce(group_id: int, available: bool) -> None:
    frame_after_commit(
        groups.agent_status(group_id), STATUS.frame("agent_status", available=available)
    )
    log.info("group availability group_id=%s available=%s", group_id, available)


def _change(group_id: int, change) -> None:
    """Apply `change` to the group's dashboards; tell visitor pages if availability flipped."""
    with _dashboards(group_id) as dashboards:
        before = _any_available(dashboards, now())
        change(dashboards)
        after = _any_available(dashboards, now())
    if before != after:
        _announce(group_id, after)


def agent_available(*, user: AbstractBaseUser) -> bool:
    status = Availability.objects.filter(user=user).first()
    return bool(status and status.available)


def group_available(*, group_id: int) -> bool:
    return _any_available(cache.get(_key(group_id)) or {}, now())


def dashboard_open(
    *, user: AbstractBaseUser, group_ids: list[int], channel: str, available: bool
) -> None:
    """One of the agent's dashboards opened (or, as a heartbeat, is still open)."""
    entry = {"user": user.pk, "available": available, "seen": now()}
    for group_id in group_ids:
        _change(group_id, lambda dashboards: dashboards.__setitem__(channel, entry))


def dashboard_closed(*, group_ids: list[int], channel: str) -> None:
    for group_id in group_ids:
        _change(group_id, lambda dashboards: dashboards.pop(channel, None))


def availability_set(*, user: AbstractBaseUser, group_ids: list[int], available: bool) -> None:
    """The agent switches between available and away: every dashboard of it follows."""
    Availability.objects.update_or_create(user=user, defaults={"available": available})

    def flip(dashboards: dict) -> None:
        for entry in dashboards.values():
            if entry["user"] == user.pk:
                entry["available"] = available

    for group_id in group_ids:
        _change(group_id, flip)
    broadcast_after_commit(
        groups.agent_dashboards(user.pk), {"type": "dashboard.availability", "available": available}
    )
    log.info("agent availability agent=%s available=%s", user.get_username(), available)
