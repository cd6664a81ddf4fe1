"""Session keys and visitor start parameters: their formats, in one place.

A session key follows Glance's format: letters, digits, `-` and `_`, up to 50 characters
(Glance's own docs use `59204gh-42`). The page's start parameters (Glance's name, email,
phone) carry Glance's bounds.
"""

import re

SESSION_KEY_MAX = 50
SESSION_KEY_PATTERN = r"[A-Za-z0-9_-]{1,50}"
SESSION_KEY_RE = rf"^{SESSION_KEY_PATTERN}$"
SESSION_KEY_RULE = "A session key is 1-50 letters, digits, '-' or '_'."
_KEY = re.compile(SESSION_KEY_RE)

VISITOR_NAME_MAX = 63
VISITOR_EMAIL_MAX = 127
VISITOR_PHONE_MAX = 31


def typed_key_candidates(typed: str) -> list[str]:
    """The keys a key typed by an agent may mean, most literal first: the visitor panel
    shows digits in groups ("203 218") and people read them back with spaces or dashes.
    Spaces never belong to a key, so they go always; `-` may (Glance's format), so the key
    is tried as typed first and then with the dashes between digits taken out."""
    compact = "".join(typed.split())
    candidates = [compact]
    joined = re.sub(r"(?<=\d)-+(?=\d)", "", compact)
    if joined != compact:
        candidates.append(joined)
    return [key for key in candidates if _KEY.match(key)]
