"""Content-Security-Policy of the Tandem pages that a group's own pages embed (the
site-connect frame, the share view), built with django-csp's policy builder (the agent's
pages get theirs from django-csp's middleware, settings.CONTENT_SECURITY_POLICY).

Such a page runs only Tandem's own script, loads nothing else unless asked, and may be
embedded only by the group's trusted domains (`frame-ancestors`), so the policy follows
the group and is built per response."""

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.utils import build_policy

from core.domains import frame_ancestors

_EMBEDDED = {
    "default-src": [NONE],
    "script-src": [SELF],
    "style-src": [UNSAFE_INLINE],
    "base-uri": [NONE],
    "form-action": [NONE],
}


def embedded_page_policy(*, trusted: list[str], allow: dict[str, list[str]]) -> str:
    """The header value for a page embedded by the trusted host patterns `trusted`
    (HostPattern texts); `allow` adds directives, e.g. `{"connect-src": ["wss://host"]}`."""
    directives = {**_EMBEDDED, "frame-ancestors": frame_ancestors(trusted).split(), **allow}
    return build_policy(config=directives)
