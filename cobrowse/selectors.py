"""Reads of groups, sites and sessions, with the permission checks that guard them."""

import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from cobrowse.models import CobrowseSession, Group, SessionSocket, Site
from core.domains import origin_is_own, origin_trusted
from core.errors import ErrorCode, TandemError

# A misconfigured page is told where to fix it: these errors reach the page's console.
SCRIPT_URL_HINT = (
    " The script URL needs ?group=<the group's number>&site=<a site of the group>, "
    "e.g. /cobrowse/loader.js?group=72&site=production (docs/integrating.md)."
)


def _groups_admin() -> str:
    return reverse("admin:cobrowse_group_changelist")


def group_get(*, public_id: int) -> Group:
    try:
        return Group.objects.get(public_id=public_id)
    except Group.DoesNotExist:
        raise TandemError(
            ErrorCode.UNKNOWN_GROUP,
            f"No group {public_id}. Check the group number in the script URL (?group=) "
            f"against the groups' numbers in the admin ({_groups_admin()}).",
        ) from None


def site_get(*, group: Group, name: str) -> Site:
    try:
        site = Site.objects.get(group=group, name=name)
    except Site.DoesNotExist:
        raise TandemError(
            ErrorCode.UNKNOWN_SITE,
            f"Group {group.public_id} has no site {name[:40]!r}. Name one of its sites in the "
            f"script URL (&site=) or add this one to group {group.public_id}'s sites in the "
            f"admin ({_groups_admin()}).",
        ) from None
    if not site.enabled:
        raise TandemError(
            ErrorCode.SITE_DISABLED,
            f"Site {name!r} is disabled. Enable it among group {group.public_id}'s sites in "
            f"the admin ({_groups_admin()}).",
        )
    return site


def group_trusted_patterns(*, group: Group) -> list[str]:
    return list(group.trusted_domains.values_list("pattern", flat=True))


# Every page of a site opens a socket, each naming its group and needing the group's
# trusted domains: two queries on the database thread all sockets share. Both are kept in
# Django's cache (every process sees it: Redis with REDIS_URL), under a generation any
# change to a group or a trusted domain replaces (cobrowse/receivers.py), so the next
# socket reads the change, in every process. An entry read before a change can only be
# stored under the generation it was read in, never under the new one. The time limit
# bounds what a change the signals do not see (a queryset update, SQL by hand) leaves.
_GROUPS_GENERATION = "tandem.groups.generation"
GROUP_CACHE_SECONDS = 60
_NOT_CACHED = {"visitor_id_secret"}


def _group_key(public_id: int) -> str:
    return f"tandem.group.{public_id}"


def groups_changed() -> None:
    """A group or a trusted domain changed: no socket uses what was read before."""
    cache.set(_GROUPS_GENERATION, secrets.token_hex(8), timeout=None)


def group_for_sockets(*, public_id: int) -> tuple[Group, list[str]]:
    """The group a socket names and its trusted domain patterns, as `group_get` and
    `group_trusted_patterns` read them; from the cache when no change came since."""
    key = _group_key(public_id)
    found = cache.get_many([_GROUPS_GENERATION, key])
    generation = found.get(_GROUPS_GENERATION)
    if generation is None:
        cache.add(_GROUPS_GENERATION, secrets.token_hex(8), timeout=None)
        generation = cache.get(_GROUPS_GENERATION)
    # The row's values but its secret, not a pickled instance: the group is made as a query
    # makes it (`only()` the cached fields: reading the secret, for groups that sign visitor
    # ids, is one query of its own, so it is never written to Redis); values a server with
    # other fields stored (during an upgrade) are not used.
    names = [f.attname for f in Group._meta.concrete_fields if f.attname not in _NOT_CACHED]
    entry = found.get(key)
    if entry is not None and entry[0] == generation and list(entry[2]) == names:
        _, db, values, patterns = entry
        return Group.from_db(db, names, list(values.values())), patterns
    group = group_get(public_id=public_id)
    patterns = group_trusted_patterns(group=group)
    values = {name: getattr(group, name) for name in names}
    cache.set(key, (generation, group._state.db, values, patterns), timeout=GROUP_CACHE_SECONDS)
    return group, patterns


def group_for_page(public_id: int, origin: str) -> Group:
    """The group a visitor page's socket names, if the page's Origin is one it trusts."""
    group, patterns = group_for_sockets(public_id=public_id)
    if not origin_trusted(origin, patterns):
        host = urlsplit(origin[:200]).hostname or "the page's host"
        raise TandemError(
            ErrorCode.ORIGIN,
            f"Origin {origin[:100]!r} is not trusted by this group. Add {host[:100]} to group "
            f"{public_id}'s trusted domains in the admin ({_groups_admin()}).",
        )
    return group


def group_for_socket(*, public_id: int, origin: str, host: str) -> Group:
    """The group a page's socket names, for a page on one of its trusted domains or on
    Tandem's own origin (the site_connect frame, which holds the socket for the page
    that embeds it: the frame itself is embeddable only by trusted domains).
    Raises TandemError(ORIGIN) or (NOT_FOUND) as `group_for_page`."""
    if origin and origin_is_own(origin, host, settings.CSRF_TRUSTED_ORIGINS):
        return group_for_sockets(public_id=public_id)[0]
    return group_for_page(public_id, origin)


def loader_config(*, group_public_id: int | None, site_name: str) -> dict:
    """What the visitor loader needs to know about its group, or the error it will report."""
    if group_public_id is None:
        raise TandemError(
            ErrorCode.UNKNOWN_GROUP, "The script tag names no numeric group." + SCRIPT_URL_HINT
        )
    group = group_get(public_id=group_public_id)
    site_get(group=group, name=site_name)
    return {
        "group": group.public_id,
        "site": site_name,
        "maskSelectors": group.mask_selector_list,
        "canvasFps": group.canvas_fps,
        "canvasBytesPerSecond": group.canvas_bytes_per_second,
        # Ask before a session an agent starts by invoke (docs/visitor-ui.md).
        "oneClickConsent": group.one_click_consent,
        # The default UI's language and terms link (docs/visitor-ui.md); blank: not set.
        "locale": group.ui_locale,
        "termsUrl": group.terms_url,
        # The page accepts glance_invoke messages only from these (static/src/visitor/invoke.ts).
        "trustedDomains": group_trusted_patterns(group=group),
    }


def agent_group_ids(*, user: AbstractBaseUser | AnonymousUser) -> list[int]:
    """Primary keys of the groups the user is an agent of."""
    if not user.is_authenticated:
        return []
    return list(user.memberships.values_list("group_id", flat=True))


def sessions_for_key(
    *, user: AbstractBaseUser | AnonymousUser, key: str, group: int | None = None
) -> list[CobrowseSession]:
    """The live sessions `key` names in the user's groups (only group `group`, a public id,
    when given): several groups may each have a live session of the same key."""
    sessions = CobrowseSession.objects.select_related("group", "site").filter(
        key=key, state=CobrowseSession.State.ACTIVE, group_id__in=agent_group_ids(user=user)
    )
    if group is not None:
        sessions = sessions.filter(group__public_id=group)
    return list(sessions.order_by("group__public_id"))


# A key whose session in the agent's groups ended this recently is "ended" to a viewer,
# not "not live yet" (which it waits on): an older one is a key used again.
ENDED_LATELY = timedelta(minutes=10)


def _ended_lately(*, user: AbstractBaseUser | AnonymousUser, key: str, group: int | None) -> bool:
    ended = CobrowseSession.objects.filter(
        key=key,
        state=CobrowseSession.State.ENDED,
        ended_at__gte=timezone.now() - ENDED_LATELY,
        group_id__in=agent_group_ids(user=user),
    )
    if group is not None:
        ended = ended.filter(group__public_id=group)
    return ended.exists()


def access_session(
    *, user: AbstractBaseUser | AnonymousUser, key: str, group: int | None = None
) -> CobrowseSession:
    """The live session `key` in the user's groups (in group `group`, a public id, when
    given), if `user` may watch it; otherwise the one domain error."""
    if not user.is_authenticated:
        raise TandemError(ErrorCode.UNAUTHENTICATED, "Log in as an agent to watch sessions.")
    sessions = sessions_for_key(user=user, key=key, group=group)
    # One answer for "no such session" and "not yours": a key reveals nothing to outsiders.
    if not sessions:
        if _ended_lately(user=user, key=key, group=group):
            # A viewer reopened after its session ended says so, rather than wait for it.
            raise TandemError(ErrorCode.ENDED, f"Session {key[:32]!r} has ended.")
        raise TandemError(ErrorCode.NOT_FOUND, f"No live session {key[:32]!r} in your groups.")
    if len(sessions) > 1:
        names = ", ".join(str(session.group.public_id) for session in sessions)
        raise TandemError(
            ErrorCode.NOT_FOUND,
            f"Session {key!r} is live in several of your groups ({names}): say which "
            "with ?group=<group number>.",
        )
    return sessions[0]


def session_list_active(*, group_ids: list[int]) -> list[CobrowseSession]:
    return list(
        CobrowseSession.objects.select_related("group", "site")
        .filter(group_id__in=group_ids, state=CobrowseSession.State.ACTIVE)
        .order_by("-started_at")[:500]
    )


def session_summary(
    *, session: CobrowseSession, agents: int, page: dict[str, str] | None = None
) -> dict:
    """The JSON shape of a session on the dashboard; `page`: the visitor's page, when its
    page named it (cobrowse.pages)."""
    return {
        "key": session.key,
        "group": session.group.public_id,
        "group_name": session.group.name,
        "site": session.site.name,
        "started_at": session.started_at.isoformat(),
        "user_agent": session.visitor_user_agent,
        "visitor": visitor_params(session=session),
        "agents": agents,
        "page": page or {"url": "", "title": ""},
    }


def visitor_params(*, session: CobrowseSession) -> dict[str, str]:
    """Who the visitor is, as its page said when it started the session (the start
    parameters it gave: name, email, phone; those it did not give are left out)."""
    given = {
        "name": session.visitor_name,
        "email": session.visitor_email,
        "phone": session.visitor_phone,
    }
    return {name: value for name, value in given.items() if value}


def visitor_presence(*, session: CobrowseSession) -> dict:
    """Whether the visitor's page is with the session (`here`) or every tab of it left
    (`away`: `since` in epoch milliseconds, and the `grace` seconds it has to come back
    before the session ends); agents hear the same in `visitor` frames."""
    if session.visitors_connected or session.visitor_left_at is None:
        return {"state": "here"}
    return {
        "state": "away",
        "since": int(session.visitor_left_at.timestamp() * 1000),
        "grace": settings.TANDEM_VISITOR_GRACE_SECONDS,
    }


def agent_short_name(agent: AbstractBaseUser) -> str:
    """How the visitor's panel names an agent: first name, else full name, else username."""
    first = (getattr(agent, "first_name", "") or "").strip()
    full = agent.get_full_name().strip() if hasattr(agent, "get_full_name") else ""
    return first or full or agent.get_username()


def session_agent_names(*, session_id: int) -> list[str]:
    """The agents watching the session now (its open agent sockets), each named once
    (agent_short_name), in the order they joined."""
    usernames = list(
        SessionSocket.objects.filter(session_id=session_id, role=SessionSocket.Role.AGENT)
        .order_by("index", "id")
        .values_list("actor", flat=True)
    )
    user_model = get_user_model()
    users = {
        user.get_username(): user
        for user in user_model.objects.filter(**{f"{user_model.USERNAME_FIELD}__in": usernames})
    }
    names: list[str] = []
    for username in dict.fromkeys(usernames):
        user = users.get(username)
        name = agent_short_name(user) if user else username
        if name and name not in names:
            names.append(name)
    return names


def session_locked(session_id: int) -> CobrowseSession | None:
    """The session row, locked for this transaction; None when it is no longer live."""
    return (
        CobrowseSession.objects.select_for_update()
        .filter(id=session_id, state=CobrowseSession.State.ACTIVE)
        .first()
    )


def session_live_locked(session_id: int) -> CobrowseSession:
    session = session_locked(session_id)
    if session is None:
        raise TandemError(ErrorCode.ENDED, "The session has ended.")
    return session


def share_summary(*, session: CobrowseSession) -> dict | None:
    """The running share as an agent's `joined` frame carries it, or None."""
    if session.share_by is None:
        return None
    return {"view": session.share_view, "paused": session.share_paused, "by": session.share_by}


def media_state(*, session_id: int) -> dict:
    """The share and reverse state for an agent that has just joined: read after the join,
    so a change that committed before its socket listened is not missed."""
    session = CobrowseSession.objects.only(
        "share_by", "share_view", "share_paused", "reverse_state", "reverse_only"
    ).get(id=session_id)
    return {
        "share": share_summary(session=session),
        "reverse": session.reverse_state,
        "reverse_only": session.reverse_only,
    }
