"""Reads of groups, sites and sessions, with the permission checks that guard them."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import timezone

from cobrowse.domains import origin_trusted
from cobrowse.errors import ErrorCode, TandemError
from cobrowse.models import CobrowseSession, Group, Site


def group_get(*, public_id: int) -> Group:
    try:
        return Group.objects.get(public_id=public_id)
    except Group.DoesNotExist:
        raise TandemError(ErrorCode.UNKNOWN_GROUP, f"No group {public_id}.") from None


def site_get(*, group: Group, name: str) -> Site:
    try:
        site = Site.objects.get(group=group, name=name)
    except Site.DoesNotExist:
        raise TandemError(
            ErrorCode.UNKNOWN_SITE, f"Group {group.public_id} has no site {name[:40]!r}."
        ) from None
    if not site.enabled:
        raise TandemError(ErrorCode.SITE_DISABLED, f"Site {name!r} is disabled.")
    return site


def group_trusted_patterns(*, group: Group) -> list[str]:
    return list(group.trusted_domains.values_list("pattern", flat=True))


def group_for_page(public_id: int, origin: str) -> Group:
    """The group a visitor page's socket names, if the page's Origin is one it trusts."""
    group = group_get(public_id=public_id)
    if not origin_trusted(origin, group_trusted_patterns(group=group)):
        raise TandemError(
            ErrorCode.ORIGIN, f"Origin {origin[:100]!r} is not trusted by this group."
        )
    return group


def loader_config(*, group_public_id: int | None, site_name: str) -> dict:
    """What the visitor loader needs to know about its group, or the error it will report."""
    if group_public_id is None:
        raise TandemError(ErrorCode.UNKNOWN_GROUP, "The script tag names no numeric group.")
    group = group_get(public_id=group_public_id)
    site_get(group=group, name=site_name)
    return {
        "group": group.public_id,
        "site": site_name,
        "maskSelectors": group.mask_selector_list,
        # Ask before a session an agent starts by invoke (docs/visitor-ui.md).
        "oneClickConsent": group.one_click_consent,
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
        "groupName": session.group.name,
        "site": session.site.name,
        "startedAt": session.started_at.isoformat(),
        "userAgent": session.visitor_user_agent,
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
