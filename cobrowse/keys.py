"""Session keys and visitor start parameters: their formats, in one place.

A session key follows Glance's format: letters, digits, `-` and `_`, up to 50 characters
(Glance's own docs use `59204gh-42`). The page's start parameters (Glance's name, email,
phone) carry Glance's bounds.
"""

SESSION_KEY_MAX = 50
SESSION_KEY_PATTERN = r"[A-Za-z0-9_-]{1,50}"
SESSION_KEY_RE = rf"^{SESSION_KEY_PATTERN}$"
SESSION_KEY_RULE = "A session key is 1-50 letters, digits, '-' or '_'."

VISITOR_NAME_MAX = 63
VISITOR_EMAIL_MAX = 127
VISITOR_PHONE_MAX = 31
