"""Trusted host patterns, one type for every use: which page origins they let in (sockets,
the asset proxy), the CSP `frame-ancestors` sources they allow, and what the admin may
store. The pages' port is static/src/domains.ts, checked against the same
case table (tests/domain_cases.py)."""

import logging
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

log = logging.getLogger("tandem.domains")

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


_PATTERN_RE = re.compile(
    r"^(?:(?P<scheme>https?)://)?"
    r"(?:(?P<wild>\*\.)?(?P<name>[a-z0-9.-]+)|\[(?P<ipv6>[0-9a-f:]+)\])"
    r"(?::(?P<port>[0-9]{1,5}))?$"
)


@dataclass(frozen=True)
class HostPattern:
    """A trusted host pattern: a host (`example.com`) or a wildcard (`*.example.com`, which
    also matches `example.com` itself), any scheme and port unless it names them
    (`https://example.com:8443`); IPv6 hosts in brackets (`[::1]:8000`)."""

    host: str  # lower case; an IPv6 address without its brackets
    wildcard: bool = False
    scheme: str | None = None
    port: int | None = None  # None (or 0): any port
    ipv6: bool = False

    @classmethod
    def parse(cls, text: str) -> "HostPattern | None":
        """The pattern `text` writes (case and surrounding blanks do not matter); None when
        it is not one."""
        match = _PATTERN_RE.match(text.strip().lower())
        if match is None:
            return None
        return cls(
            host=match["name"] or match["ipv6"],
            wildcard=bool(match["wild"]),
            scheme=match["scheme"],
            port=int(match["port"]) if match["port"] else None,
            ipv6=match["ipv6"] is not None,
        )

    def matches(self, origin: str) -> bool:
        """True when a page of `origin` (an Origin header) is let in."""
        parsed = origin_parts(origin)
        if parsed is None:
            return False
        scheme, host, port = parsed
        if self.scheme and self.scheme != scheme:
            return False
        if self.port and self.port != port:
            return False
        if self.wildcard:
            return host == self.host or host.endswith("." + self.host)
        return host == self.host

    def csp_sources(self) -> list[str]:
        """The CSP source expressions that allow what this pattern allows; none for an IPv6
        host, which CSP source lists cannot name."""
        if self.ipv6:
            return []
        schemes = [self.scheme] if self.scheme else ["http", "https"]
        port = f":{self.port}" if self.port is not None else ":*"
        hosts = [self.host] + ([f"*.{self.host}"] if self.wildcard else [])
        return [f"{scheme}://{host}{port}" for scheme in schemes for host in hosts]


def pattern_matches(pattern: str, origin: str) -> bool:
    """True when `origin` is let in by `pattern`; a text that is no pattern lets none in."""
    parsed = HostPattern.parse(pattern)
    return parsed is not None and parsed.matches(origin)


def origin_trusted(origin: str, patterns: list[str]) -> bool:
    return any(pattern_matches(pattern, origin) for pattern in patterns)


def frame_ancestors(patterns: list[str]) -> str:
    """The CSP `frame-ancestors` sources that allow what the trusted host `patterns` allow;
    `'none'` when they allow no embedding."""
    sources: list[str] = []
    for text in patterns:
        pattern = HostPattern.parse(text)
        found = pattern.csp_sources() if pattern else []
        if not found:
            log.info("trusted domain %r cannot embed Tandem's frames", text[:100])
        sources += found
    return " ".join(dict.fromkeys(sources)) or "'none'"


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
