"""Strict parsers for settings read from the environment: nonsense fails at start-up."""

import json
import os
import re

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    """The variable's value; unset or empty (`NAME=` in an env file) gives the default."""
    return os.environ.get(name) or default


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int, *, minimum: int = 0, maximum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"{name} must be at most {maximum}, got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_ice_servers(name: str) -> list[dict]:
    """A JSON list of RTCIceServer dicts (`urls`: a URL or a list of them; optional
    `username` and `credential`), as the browsers' RTCPeerConnection takes it."""
    raw = os.environ.get(name)
    if not raw:
        return []
    try:
        servers = json.loads(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a JSON list, got {raw[:100]!r}") from None
    if not isinstance(servers, list):
        raise ImproperlyConfigured(f"{name} must be a JSON list of ICE servers")
    for server in servers:
        urls = server.get("urls") if isinstance(server, dict) else None
        if isinstance(urls, str):
            urls = [urls]
        if not urls or not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
            raise ImproperlyConfigured(
                f"{name}: each ICE server needs 'urls' (a string or a list of strings)"
            )
        if any(not isinstance(server.get(k, ""), str) for k in ("username", "credential")):
            raise ImproperlyConfigured(f"{name}: 'username' and 'credential' must be strings")
    return servers


_HEADER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")


def env_proxy_ssl_header(name: str) -> tuple[str, str] | None:
    """Django's SECURE_PROXY_SSL_HEADER from a header name (`X-Forwarded-Proto`), or
    `Header: value` when the proxy says HTTPS with another value than `https`."""
    raw = (os.environ.get(name) or "").strip()
    if not raw:
        return None
    header, _, value = raw.partition(":")
    header, value = header.strip(), value.strip() or "https"
    if not _HEADER_NAME.match(header):
        raise ImproperlyConfigured(
            f"{name} must be a header name such as X-Forwarded-Proto, got {raw[:100]!r}"
        )
    return "HTTP_" + header.upper().replace("-", "_"), value
