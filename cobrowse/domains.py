"""Matching a page's Origin against a group's trusted host patterns."""

from urllib.parse import urlsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_parts(origin: str) -> tuple[str, str, int] | None:
    """Split an Origin header into (scheme, host, port); None when it is not an http(s) origin."""
    try:
        parts = urlsplit(origin.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    return parts.scheme, parts.hostname.lower(), port or _DEFAULT_PORTS[parts.scheme]


def pattern_matches(pattern: str, origin: str) -> bool:
    """True when `origin` is allowed by `pattern`.

    A pattern names a host (`example.com`) or a wildcard (`*.example.com`, which also
    matches `example.com` itself) and matches any scheme and port unless it names them
    (`https://example.com:8443`).
    """
    parsed = origin_parts(origin)
    if parsed is None:
        return False
    scheme, host, port = parsed
    pattern = pattern.strip().lower()
    want_scheme = None
    if "://" in pattern:
        want_scheme, pattern = pattern.split("://", 1)
    want_port = None
    if pattern.startswith("["):
        close = pattern.find("]")
        if close != -1 and pattern[close + 1 : close + 2] == ":":
            want_port = int(pattern[close + 2 :])
        pattern = pattern[1:close]
    elif ":" in pattern:
        pattern, port_text = pattern.rsplit(":", 1)
        want_port = int(port_text)
    if want_scheme and want_scheme != scheme:
        return False
    if want_port and want_port != port:
        return False
    if pattern.startswith("*."):
        base = pattern[2:]
        return host == base or host.endswith("." + base)
    return host == pattern


def origin_trusted(origin: str, patterns: list[str]) -> bool:
    return any(pattern_matches(pattern, origin) for pattern in patterns)


def origin_is_own(origin: str, host: str, also_trusted: list[str]) -> bool:
    """True when a page of `origin` is one of Tandem's own: same host and port as the
    socket's `Host` header, or listed in `also_trusted` (CSRF_TRUSTED_ORIGINS).

    The agent's sockets carry its login cookie, so any page the agent visits could
    open one; only Tandem's own pages may.
    """
    parsed = origin_parts(origin)
    if parsed is None:
        return False
    scheme, hostname, port = parsed
    if any(origin_parts(trusted) == parsed for trusted in also_trusted):
        return True
    own = origin_parts(f"{scheme}://{host}") if host else None
    return own == (scheme, hostname, port)
