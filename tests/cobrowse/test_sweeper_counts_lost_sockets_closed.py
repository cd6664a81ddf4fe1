"""The sweeper any server process runs: it counts the sockets of dead processes as closed,
ends the sessions their visitors abandoned, and never does the same work twice, whichever
processes race for it. The cache's clock and the leases' clock are moved by hand."""

import threading

import pytest
from django.core.cache.backends import base, locmem
from django.utils import timezone

from cobrowse import sweeps
from cobrowse.models import CobrowseSession, SessionEvent, SessionSocket
from cobrowse.services import sessions
from core import leases, locks
from tests.browser import test_two_servers as scale

pytestmark = pytest.mark.django_db

DEAD = "gone-host.4242.deadbeef"  # a server process that was SIGKILLed


@pytest.fixture
def cache_clock(monkeypatch):
    """One clock for the cache's expiry and for the leases, moved by hand."""

    class Clock:
        now = 1_900_000_000.0

        def time(self) -> float:
            return self.now

        def advance(self, seconds: float) -> None:
            self.now += seconds

    clock = Clock()
    monkeypatch.setattr(locmem, "time", clock)
    monkeypatch.setattr(base, "time", clock)
    monkeypatch.setattr(leases, "now", clock.time)
    return clock


def live_session(demo_group, *agents):
    """A session whose visitor page and whose agents' viewers are on a process that died."""
    session = sessions.session_start(
        group=demo_group, site_name="production", key=None, user_agent="test", channel="page-1"
    )
    for number, agent in enumerate(agents, 1):
        sessions.session_agent_join(session=session, agent=agent, channel=f"viewer-{number}")
    SessionSocket.objects.filter(session=session).update(process=DEAD)
    return session


def counts(session) -> tuple[str, int, int]:
    session.refresh_from_db()
    return session.state, session.visitors_connected, session.agents_watching


def test_only_the_holder_of_a_lease_releases_it(cache_clock):
    first = locks.acquire("sweep", seconds=5)
    assert first is not None
    assert locks.acquire("sweep", seconds=5) is None
    assert locks.release("sweep", first + 1) is False
    assert locks.acquire("sweep", seconds=5) is None

    cache_clock.advance(6)  # the first holder froze: its lease lapsed
    second = locks.acquire("sweep", seconds=5)
    assert second is not None
    assert locks.release("sweep", first) is False  # it wakes up: not its lock any more
    assert locks.acquire("sweep", seconds=5) is None
    assert locks.release("sweep", second) is True
    assert locks.acquire("sweep", seconds=5) is not None


def test_a_process_counts_as_dead_three_heartbeats_after_its_last(cache_clock, settings):
    settings.TANDEM_PROCESS_HEARTBEAT_SECONDS = 5
    leases.heartbeat("other-process")
    cache_clock.advance(14)
    assert leases.processes_alive({"other-process", DEAD}) == {"other-process"}
    cache_clock.advance(2)
    assert leases.processes_alive({"other-process", DEAD}) == set()
    assert leases.processes_alive({leases.PROCESS}) == {leases.PROCESS}  # this one, always


def test_two_sweepers_racing_sweep_one_at_a_time(monkeypatch):
    sweeping = threading.Event()
    other_tried = threading.Event()
    swept = []

    def slow_sweep(**kwargs) -> int:
        sweeping.set()
        other_tried.wait(10)
        swept.append(threading.get_ident())
        return 0

    monkeypatch.setattr(sweeps, "sessions_end_abandoned", slow_sweep)
    results = []
    first = threading.Thread(target=lambda: results.append(sweeps.sweep_if_leased()))
    first.start()
    assert sweeping.wait(10)
    results.append(sweeps.sweep_if_leased())  # a second process, while the first sweeps
    other_tried.set()
    first.join(10)
    assert results == [False, True]
    assert len(swept) == 1
    assert sweeps.sweep_if_leased() is True  # the first gave the lease back


def test_a_dead_process_session_ends_after_the_grace_period_once(demo_group, agent, settings):
    settings.TANDEM_VISITOR_GRACE_SECONDS = 30
    session = live_session(demo_group, agent)

    assert sweeps.sessions_end_abandoned() == 0  # the visitor may still come back
    assert counts(session) == ("active", 0, 0)
    session.refresh_from_db()
    later = session.visitor_left_at + timezone.timedelta(seconds=31)
    assert sweeps.sessions_end_abandoned(now=later) == 1
    assert sweeps.sessions_end_abandoned(now=later) == 0
    # Two sweepers that listed the same session before either acted: one does the work.
    assert sweeps.session_sockets_lost(session_id=session.id, processes={DEAD}) == 0
    assert not sessions.session_end_if_abandoned(
        session_id=session.id, left_at=session.visitor_left_at
    )

    assert counts(session) == ("ended", 0, 0)
    timeline = list(session.events.values_list("type", "actor", "detail"))
    assert timeline.count(("ended", "visitor", "disconnected")) == 1
    assert timeline.count(("agent_left", "agent", "server process lost")) == 1


def test_sockets_of_live_processes_stay_counted(demo_group, agent, agent2, cache_clock):
    session = live_session(demo_group, agent, agent2)
    leases.heartbeat("alive-process")
    SessionSocket.objects.filter(channel="viewer-2").update(process="alive-process")
    SessionSocket.objects.filter(channel="page-1").update(process=leases.PROCESS)

    assert sweeps.sessions_end_abandoned() == 0
    assert counts(session) == ("active", 1, 1)
    assert SessionSocket.objects.filter(session=session).count() == 2


def test_a_socket_counted_closed_is_not_counted_again_when_it_closes(demo_group, agent, agent2):
    session = live_session(demo_group, agent, agent2)
    SessionSocket.objects.filter(channel__in=["page-1", "viewer-2"]).update(process=leases.PROCESS)
    sweeps.sessions_end_abandoned()
    assert counts(session) == ("active", 1, 1)

    # Its process was only late, not dead: the socket closes later, and changes nothing.
    left = sessions.session_agent_leave(session=session, agent=agent, index=1, channel="viewer-1")
    assert left == 1
    assert counts(session) == ("active", 1, 1)
    left = sessions.session_agent_leave(session=session, agent=agent2, index=2, channel="viewer-2")
    assert left == 0
    assert counts(session) == ("active", 1, 0)


def test_control_held_by_a_lost_agent_goes_back_to_the_visitor(demo_group, agent):
    session = live_session(demo_group, agent)
    CobrowseSession.objects.filter(id=session.id).update(rc_state="on", rc_holder=1)

    sweeps.sessions_end_abandoned()

    session.refresh_from_db()
    assert (session.rc_state, session.rc_holder) == ("off", None)
    assert session.events.filter(type=SessionEvent.Type.RC_OFF).count() == 1


redis_url = scale.redis_url


def test_on_redis_only_the_holder_of_a_lease_releases_it(redis_url, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    }
    first = locks.acquire("redis-lease", seconds=5)
    assert first is not None
    assert locks.acquire("redis-lease", seconds=5) is None
    assert locks.release("redis-lease", first + 1) is False
    assert locks.acquire("redis-lease", seconds=5) is None
    assert locks.release("redis-lease", first) is True
    second = locks.acquire("redis-lease", seconds=5)
    assert second is not None
    assert locks.release("redis-lease", second) is True
