"""Which page a session's visitor is on, for the agents' dashboards: the URL (origin and
path only, as the page sends it) and title its page gave when the session started or
continued on a new page. Short-lived, in Django's cache (never stored at rest): gone a
day after the last page change, which no live session outlasts unseen."""

from django.core.cache import cache

from core.protocol import PAGE_TITLE_MAX, PAGE_URL_MAX

PAGE_TTL_SECONDS = 24 * 3600


def _key(session_id: int) -> str:
    return f"tandem.session.{session_id}.page"


def page_from_frame(frame: dict) -> dict[str, str] | None:
    """The page a `start` or `resume` frame names, or None when it names none."""
    url = (frame.get("url") or "").strip()[:PAGE_URL_MAX]
    title = " ".join((frame.get("title") or "").split())[:PAGE_TITLE_MAX]
    if not url and not title:
        return None
    return {"url": url, "title": title}


def page_set(*, session_id: int, page: dict[str, str]) -> None:
    cache.set(_key(session_id), page, timeout=PAGE_TTL_SECONDS)


def pages_get(*, session_ids: list[int]) -> dict[int, dict[str, str]]:
    """The known pages of these sessions, by session id (those with none are left out)."""
    found = cache.get_many([_key(session_id) for session_id in session_ids])
    return {
        session_id: found[_key(session_id)]
        for session_id in session_ids
        if _key(session_id) in found
    }
