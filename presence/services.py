"""Presence: visitors coming and going, what they report, and agents' messages to them.

Online state lives in `presence.registry` (the cache); messages for visitors live in the
database until the visitor acknowledges them, so none is lost to a restart and none is
delivered twice to a visitor that acknowledged it.
"""

import hashlib
import hmac
import logging
import re
from datetime import timedelta

import orjson
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from cobrowse.models import Group
from core import groups, ids
from core.errors import ErrorCode, TandemError
from core.layers import broadcast_after_commit, frame_after_commit
from core.protocol import DASHBOARD, PRESENCE
from presence import registry
from presence.models import PendingMessage

log = logging.getLogger("tandem.presence")

VISITOR_ID_RE = re.compile(r"[A-Za-z0-9_.\-]{1,100}")
MAX_DATA_KEYS = 50
MAX_VALUE_CHARS = 1000
# A visitor's presence data in total, however many frames it came in (JSON bytes): keeps
# every visitor's dashboard entry, and so every dashboard frame, bounded.
MAX_DATA_BYTES = 8192
# What an agent may call on a visitor page: GLANCE.Cobrowse.Visitor's public functions,
# by short name or by the full name Glance's REST examples use.
INVOKABLE = frozenset({"startSession", "stopSession"})
_GLANCE_PREFIX = "GLANCE.Cobrowse.Visitor."


def visitor_group(group_id: int, visitor_id: str) -> str:
    """The channel-layer group of one visitor's connections (ids hashed: ASCII, bounded)."""
    return f"presence.{group_id}.{ids.visitor_digest(visitor_id)}"


def visitor_id_check(visitor_id: object) -> str:
    if not isinstance(visitor_id, str) or not VISITOR_ID_RE.fullmatch(visitor_id):
        raise TandemError(
            ErrorCode.BAD_FRAME, "A visitor id is 1-100 letters, digits, '_', '-' or '.'."
        )
    return visitor_id


def data_check(data: object) -> dict:
    """Presence data: an object of string or number values, as Glance documents it."""
    if not isinstance(data, dict):
        raise TandemError(ErrorCode.BAD_FRAME, "Presence data must be an object.")
    if len(data) > MAX_DATA_KEYS:
        raise TandemError(ErrorCode.BAD_FRAME, f"Presence data has over {MAX_DATA_KEYS} keys.")
    for name, value in data.items():
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise TandemError(
                ErrorCode.BAD_FRAME, f"Presence value {name[:40]!r} must be a string or number."
            )
        if (isinstance(value, str) and len(value) > MAX_VALUE_CHARS) or len(name) > 100:
            raise TandemError(ErrorCode.BAD_FRAME, f"Presence value {name[:40]!r} is too long.")
    return data


def data_total_check(data: dict) -> None:
    """Presence data as it stands after a merge: still within the per-visitor bounds."""
    if len(data) > MAX_DATA_KEYS or len(orjson.dumps(data)) > MAX_DATA_BYTES:
        raise TandemError(
            ErrorCode.BAD_FRAME,
            f"Presence data may hold at most {MAX_DATA_KEYS} keys and {MAX_DATA_BYTES} "
            "bytes in total; this update was not applied.",
        )


def summary(*, group: Group, entry: dict) -> dict:
    """A visitor as the agent dashboard shows it."""
    info = entry["info"]
    return {
        "group": group.public_id,
        "visitorid": entry["visitorid"],
        "url": info.get("url", ""),
        "title": info.get("title", ""),
        "browser": info.get("browser", ""),
        "data": info.get("data", {}),
        "since": entry["since"],
        # What the focused tab's page can do: an entry from before tabs said so, none.
        "cobrowse": bool(entry.get("tabs", {}).get(entry["channel"], {}).get("cobrowse")),
    }


def visitor_id_signature(*, secret: str, visitor_id: str) -> str:
    """What the integrator's backend computes for a visitor id: hex HMAC-SHA256 of the
    id (UTF-8), keyed with the group's visitor id secret (docs/deploy.md)."""
    return hmac.new(secret.encode(), visitor_id.encode(), hashlib.sha256).hexdigest()


def visitor_signature_check(*, group: Group, visitor_id: str, signature: object) -> None:
    """A group that requires signed visitor ids refuses an id without its signature:
    knowing a visitor's id must not be enough to be that visitor."""
    if not group.signed_visitor_ids:
        return
    if not isinstance(signature, str) or not signature:
        raise TandemError(
            ErrorCode.FORBIDDEN,
            "This group requires signed visitor ids: pass the id's signature "
            "(data-visitorsig, or visitorsig in the Presence.Visitor options).",
        )
    expected = visitor_id_signature(secret=group.visitor_id_secret, visitor_id=visitor_id)
    # As bytes: compare_digest refuses (TypeError) a str that is not ASCII.
    if not hmac.compare_digest(expected.encode(), signature.lower().encode()):
        log.warning("visitor id with a wrong signature group=%s", group.public_id)
        raise TandemError(ErrorCode.FORBIDDEN, "The visitor id's signature is not valid.")


def visitor_connect(
    *,
    group: Group,
    visitor_id: str,
    channel: str,
    signature: object = None,
    cobrowse: bool = False,
) -> list[dict]:
    """A visitor tab connects and takes the focus; returns the messages waiting for it
    (none when another connection of the visitor is live: see pending_messages).
    `cobrowse`: its page can start a co-browse session (the full loader, not presence alone)."""
    visitor_id_check(visitor_id)
    visitor_signature_check(group=group, visitor_id=visitor_id, signature=signature)
    return _visitor_online(group=group, visitor_id=visitor_id, channel=channel, cobrowse=cobrowse)


def _visitor_online(*, group: Group, visitor_id: str, channel: str, cobrowse: bool) -> list[dict]:
    """A connection under `visitor_id` (checked, or given by the server) takes the focus."""
    if registry.unique_holder(group_id=group.id, code=visitor_id) not in (None, channel):
        raise TandemError(ErrorCode.KEY_IN_USE, "That visitor id is held by a unique connection.")
    registry.visitor_online(
        group_id=group.id, visitor_id=visitor_id, channel=channel, info={}, cobrowse=cobrowse
    )
    entry = registry.visitor_get(group_id=group.id, visitor_id=visitor_id)
    with transaction.atomic():
        _focus_moved(group=group, visitor_id=visitor_id)
        broadcast_after_commit(
            groups.dashboard(group.id),
            {"type": "dashboard.visitor", "visitor": summary(group=group, entry=entry)},
        )
    log.info("visitor online group=%s", group.public_id)
    return pending_messages(group=group, visitor_id=visitor_id, channel=channel)


def visitor_focus(*, group: Group, visitor_id: str, channel: str) -> list[dict]:
    """An open tab of the visitor takes the focus back (the visitor looks at it again): the
    tab that had it is blurred. Returns the messages waiting for the visitor, which are now
    this tab's to handle; the dashboard learns its page from its next `presence`."""
    previous = registry.visitor_online(
        group_id=group.id, visitor_id=visitor_id, channel=channel, info={}
    )
    if previous is not None:
        with transaction.atomic():
            _focus_moved(group=group, visitor_id=visitor_id)
    return pending_messages(group=group, visitor_id=visitor_id, channel=channel)


def _focus_moved(*, group: Group, visitor_id: str) -> None:
    """Tell the visitor's connections the focus moved; each reads the registry for where."""
    broadcast_after_commit(visitor_group(group.id, visitor_id), {"type": "presence.focus"})


def unique_connect(*, group: Group, channel: str, cobrowse: bool = False) -> tuple[str, float]:
    """A visitor connects with no id of its own (connectUnique): it is given a 6-digit id no
    other live connection holds; returns (id, deadline). Messages left for an earlier holder
    of the same id are not this visitor's and are dropped."""
    seconds = settings.TANDEM_PRESENCE_UNIQUE_SECONDS
    code = registry.unique_reserve(group_id=group.id, channel=channel, seconds=seconds)
    PendingMessage.objects.filter(group=group, visitor_id=code).delete()
    # The server's id: unsigned.
    _visitor_online(group=group, visitor_id=code, channel=channel, cobrowse=cobrowse)
    return code, registry.now() + seconds


def unique_extend(*, group: Group, code: str, channel: str, deadline: float) -> float:
    """extendUnique(): the connection holds its id another TANDEM_PRESENCE_UNIQUE_SECONDS;
    returns the new deadline."""
    unique_check(deadline=deadline)
    deadline += settings.TANDEM_PRESENCE_UNIQUE_SECONDS
    if not registry.unique_extend(group_id=group.id, code=code, channel=channel, deadline=deadline):
        raise TandemError(ErrorCode.EXPIRED, "This unique connection's id has expired.")
    return deadline


def unique_check(*, deadline: float | None) -> None:
    """A unique connection past its deadline is over."""
    if deadline is not None and registry.now() >= deadline:
        raise TandemError(ErrorCode.EXPIRED, "This unique connection's id has expired.")


def visitor_presence(*, group: Group, visitor_id: str, channel: str, info: dict) -> None:
    """Merge what the page reports (url, title, browser, data) into the visitor's entry."""
    if "data" in info:
        data_check(info["data"])
        # Data merges key by key across frames: the bound is on what it adds up to.
        current = registry.visitor_get(group_id=group.id, visitor_id=visitor_id)
        if current is not None:
            data_total_check({**current["info"].get("data", {}), **info["data"]})
    entry = registry.visitor_update(
        group_id=group.id, visitor_id=visitor_id, channel=channel, info=info
    )
    if entry is None:
        return  # a tab that lost the focus no longer reports
    with transaction.atomic():
        broadcast_after_commit(
            groups.dashboard(group.id),
            {"type": "dashboard.visitor", "visitor": summary(group=group, entry=entry)},
        )


def visitor_disconnect(
    *, group: Group, visitor_id: str, channel: str, grace: float = 0
) -> float | None:
    """A tab closed. The visitor is gone when it was the last; when it had the focus, the
    most recently opened tab left takes it over (and with it the waiting messages).

    `grace` (seconds): a last tab that did not close on purpose (the page went to another
    page of the site, or was closed) leaves the visitor online that long, for its next page
    to connect. Returns when that ends (registry.now() time) for `visitor_gone_if_not_back`,
    or None when the visitor is gone already or still has other tabs."""
    registry.unique_release(group_id=group.id, code=visitor_id, channel=channel)
    left = registry.visitor_offline(
        group_id=group.id, visitor_id=visitor_id, channel=channel, grace=grace
    )
    if left.away_until is not None:
        return left.away_until
    with transaction.atomic():
        if left.gone:
            _gone(group=group, visitor_id=visitor_id)
        else:
            # The focus may have moved, and the visitor's first connection may have
            # changed (it gets the stored messages): the others check.
            _focus_moved(group=group, visitor_id=visitor_id)
    return None


def visitor_gone_if_not_back(*, group: Group, visitor_id: str, away_until: float) -> None:
    """The grace `visitor_disconnect` gave is over: the dashboards hear the visitor left,
    unless a page of it connected since."""
    if registry.visitor_forget(group_id=group.id, visitor_id=visitor_id, away_until=away_until):
        with transaction.atomic():
            _gone(group=group, visitor_id=visitor_id)


def _gone(*, group: Group, visitor_id: str) -> None:
    broadcast_after_commit(
        groups.dashboard(group.id),
        {"type": "dashboard.visitor_gone", "group": group.public_id, "visitorid": visitor_id},
    )
    log.info("visitor offline group=%s", group.public_id)


def visitor_terms(*, group: Group, visitor_id: str, status: str, key: str | None) -> None:
    """The visitor's page showed, accepted or declined the consent prompt for an agent's
    one-click co-browse: the group's dashboards say so (a declined request opens no viewer)."""
    log.info("one-click consent %s group=%s", status, group.public_id)
    frame_after_commit(
        groups.dashboard(group.id),
        DASHBOARD.frame(
            "terms", group=group.public_id, visitorid=visitor_id, status=status, key=key
        ),
    )


def _frame(message: PendingMessage) -> dict:
    if message.kind == PendingMessage.Kind.INVOKE:
        return PRESENCE.frame(
            "invoke", id=message.id, func=message.data["func"], args=message.data.get("args")
        )
    return PRESENCE.frame("signal", id=message.id, data=message.data)


def pending_messages(*, group: Group, visitor_id: str, channel: str) -> list[dict]:
    """The visitor's unacknowledged messages for connection `channel`, oldest first;
    expired ones are deleted. Only the visitor's first live connection gets them: a second
    connection under the same id while the first is live (another tab, or a script that
    only knows the id) gets none until the first has gone."""
    if registry.visitor_first(group_id=group.id, visitor_id=visitor_id) != channel:
        return []
    # One read; a write only when something expired (every page of a site connects, and
    # this runs on the database thread every socket shares).
    now = timezone.now()
    waiting = list(PendingMessage.objects.filter(group=group, visitor_id=visitor_id))
    expired = [message.id for message in waiting if message.expires_at <= now]
    if expired:
        PendingMessage.objects.filter(id__in=expired).delete()
    return [_frame(message) for message in waiting if message.expires_at > now]


def message_ack(*, group: Group, visitor_id: str, message_id: int, shown: bool = True) -> None:
    """The visitor has the message: it is never delivered again, and the group's dashboards
    learn that it reached a page (`shown`: whether the page showed it or handed it to its
    own handler). A repeated ack (after a redelivery) tells them nothing new."""
    with transaction.atomic():
        deleted, _ = PendingMessage.objects.filter(
            id=message_id, group=group, visitor_id=visitor_id
        ).delete()
        if not deleted:
            return
        frame_after_commit(
            groups.dashboard(group.id),
            DASHBOARD.frame(
                "delivered", group=group.public_id, visitorid=visitor_id, id=message_id, shown=shown
            ),
        )


def agent_group(*, agent: AbstractBaseUser, group_public_id: int) -> Group:
    """One of the agent's groups by its public id; any other group, existing or not, is
    not found (an agent cannot probe which group ids exist)."""
    # One query: the group and the agent's membership of it together.
    found = (
        Group.objects.filter(public_id=group_public_id, memberships__user=agent).first()
        if agent.is_authenticated
        else None
    )
    if found is None:
        raise TandemError(ErrorCode.NOT_FOUND, f"No group {group_public_id} among yours.")
    return found


def visitor_lookup(
    *, agent: AbstractBaseUser, group_public_id: int, visitor_id: str
) -> dict | None:
    """An online visitor (or unique code) of one of the agent's groups, as the dashboard
    shows it; None when that visitor is not online now."""
    group = agent_group(agent=agent, group_public_id=group_public_id)
    entry = registry.visitor_get(group_id=group.id, visitor_id=visitor_id_check(visitor_id))
    return summary(group=group, entry=entry) if entry else None


def visitor_signal(
    *, agent: AbstractBaseUser, group_public_id: int, visitor_id: str, mtype: str, data
) -> dict:
    """Store a signal or invoke for a visitor of one of the agent's groups and push it to the
    visitor's focused tab if it is online. Returns {id, online}."""
    group = agent_group(agent=agent, group_public_id=group_public_id)
    return _signal_store(agent=agent, group=group, visitor_id=visitor_id, mtype=mtype, data=data)


def _signal_store(
    *, agent: AbstractBaseUser, group: Group, visitor_id: str, mtype: str, data
) -> dict:
    visitor_id_check(visitor_id)
    if mtype == "invoke":
        func = data.get("func") if isinstance(data, dict) else None
        if isinstance(func, str) and func.startswith(_GLANCE_PREFIX):
            func = func.removeprefix(_GLANCE_PREFIX)
        if func not in INVOKABLE:
            raise TandemError(
                ErrorCode.BAD_FRAME, f"Invoke names one of {sorted(INVOKABLE)} as 'func'."
            )
        if data.get("args") is not None and not isinstance(data["args"], dict):
            raise TandemError(ErrorCode.BAD_FRAME, "Invoke 'args' must be an object.")
        data = {"func": func, "args": data.get("args")}
    elif mtype != "signal":
        raise TandemError(ErrorCode.BAD_FRAME, "mtype is 'signal' or 'invoke'.")
    ttl = timedelta(seconds=settings.TANDEM_PRESENCE_MESSAGE_TTL_SECONDS)
    with transaction.atomic():
        message = PendingMessage.objects.create(
            group=group,
            visitor_id=visitor_id,
            kind=mtype,
            data=data,
            sent_by=agent.get_username(),
            expires_at=timezone.now() + ttl,
        )
        broadcast_after_commit(
            visitor_group(group.id, visitor_id),
            {"type": "presence.message", "frame": _frame(message)},
        )
    online = registry.visitor_get(group_id=group.id, visitor_id=visitor_id) is not None
    log.info("%s for visitor group=%s online=%s", mtype, group.public_id, online)
    return {"id": message.id, "online": online}


def dashboard_visitors(*, group_ids: list[int]) -> list[dict]:
    """The online visitors of the agent's groups, as the dashboard lists them."""
    visitors = []
    for group in Group.objects.filter(id__in=group_ids):
        visitors += [
            summary(group=group, entry=entry)
            for entry in registry.visitors_online(group_id=group.id)
        ]
    return visitors


# For callers outside the dashboard socket (the REST API in `api/`): the same operations,
# with any JSON a caller may send checked before anything is stored.


def visitor_find(
    *, agent: AbstractBaseUser, group_public_id: int, visitor_id: str, unique: bool = False
) -> bool:
    """Whether a visitor of one of the agent's groups is online now; with `unique`, only a
    live connectUnique() code counts."""
    group = agent_group(agent=agent, group_public_id=group_public_id)
    visitor_id_check(visitor_id)
    if unique and registry.unique_holder(group_id=group.id, code=visitor_id) is None:
        return False
    return registry.visitor_get(group_id=group.id, visitor_id=visitor_id) is not None


def visitor_list(*, agent: AbstractBaseUser, group_public_id: int) -> list[dict]:
    """The online visitors of one of the agent's groups, longest online first."""
    group = agent_group(agent=agent, group_public_id=group_public_id)
    return dashboard_visitors(group_ids=[group.id])


def _check_flat(data: object, what: str) -> None:
    try:
        data_check(data)
    except TandemError:
        raise TandemError(
            ErrorCode.BAD_FRAME,
            f"{what} must be an object of at most {MAX_DATA_KEYS} keys, each a string or "
            f"number of at most {MAX_VALUE_CHARS} characters.",
        ) from None


def _check_args(args: object) -> None:
    """An invoke's args: flat like presence data, where a value may also be a boolean (a
    function's flag: startSession's `reverse`, docs/screen-share.md)."""
    if isinstance(args, dict):
        # A flag passes as the shortest string would; everything else is checked as data.
        args = {name: "" if isinstance(value, bool) else value for name, value in args.items()}
    try:
        data_check(args)
    except TandemError:
        raise TandemError(
            ErrorCode.BAD_FRAME,
            f"An invoke's args must be an object of at most {MAX_DATA_KEYS} keys, each a "
            f"string, number or boolean (strings of at most {MAX_VALUE_CHARS} characters).",
        ) from None


def signal_send(
    *, agent: AbstractBaseUser, group_public_id: int, visitor_id: str, mtype: str, data
) -> dict:
    """visitor_signal, with a signal's data (default {}) and an invoke's args held to the
    rules of presence data: flat and bounded, so nothing nested or huge is ever stored."""
    # Another group's visitor is not found, whatever the data: checked first.
    group = agent_group(agent=agent, group_public_id=group_public_id)
    if mtype == "signal":
        data = {} if data is None else data
        _check_flat(data, "A signal's data")
    elif mtype == "invoke" and isinstance(data, dict) and data.get("args") is not None:
        _check_args(data["args"])
    return _signal_store(agent=agent, group=group, visitor_id=visitor_id, mtype=mtype, data=data)
