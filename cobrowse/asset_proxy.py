"""The asset proxy: the replayed page's images, fonts, styles and media, fetched by Tandem.

An agent's viewer never loads anything from the visitor's sites (its CSP allows only
Tandem's origin); it asks `/cobrowse/asset/?s=<token>&u=<url>` instead. The token is
signed, names one session and one agent, and expires. A fetch goes only to the session
group's trusted domains and asset domains, only to public addresses (unless
TANDEM_ASSET_ALLOW_PRIVATE), connects to the address it checked (no second DNS lookup
for a rebinding answer), re-checks every redirect, caps what it reads, and serves only
content types that cannot run as a page on Tandem's origin.
"""

import hashlib
import ipaddress
import logging
import re
import socket
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

import tinycss2
import tinycss2.ast
import urllib3
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.cache import cache
from django.urls import reverse

from cobrowse.models import CobrowseSession
from cobrowse.selectors import agent_group_ids, group_trusted_patterns
from core.domains import origin_trusted
from core.errors import ErrorCode, TandemError

log = logging.getLogger("tandem.assets")

_SALT = "tandem.asset"
MAX_URL = 4096
MAX_REDIRECTS = 5
_REDIRECTS = {301, 302, 303, 307, 308}
_USER_AGENT = "Tandem-asset-proxy"

# What may be served from Tandem's origin: nothing a browser runs as a page or script.
# SVG can hold script, so every response also carries `Content-Security-Policy: sandbox`.
SAFE_TYPES = frozenset(
    {
        "text/css",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "image/avif",
        "image/apng",
        "image/bmp",
        "image/svg+xml",
        "image/x-icon",
        "image/vnd.microsoft.icon",
        "font/woff",
        "font/woff2",
        "font/ttf",
        "font/otf",
        "font/sfnt",
        "font/collection",
        "application/font-woff",
        "application/font-woff2",
        "application/x-font-woff",
        "application/x-font-ttf",
        "application/x-font-otf",
        "application/font-sfnt",
        "application/vnd.ms-fontobject",
        "application/octet-stream",
        "video/mp4",
        "video/webm",
        "video/ogg",
        "audio/mpeg",
        "audio/ogg",
        "audio/wav",
        "audio/webm",
        "audio/mp4",
        "audio/aac",
        "audio/flac",
    }
)


@dataclass(frozen=True)
class Asset:
    content_type: str
    body: bytes
    url: str  # where it was finally fetched from (after redirects): the base of its CSS


# --- who may use the proxy ---------------------------------------------------------


def asset_token(*, session_id: int, user_id: int) -> str:
    return signing.TimestampSigner(salt=_SALT).sign_object({"s": session_id, "u": user_id})


def asset_base(*, session_id: int, user_id: int) -> str:
    """The proxy URL an agent's viewer appends `&u=<url>` to."""
    token = asset_token(session_id=session_id, user_id=user_id)
    return f"{reverse('asset')}?s={quote(token, safe='')}"


def access_asset_session(*, user: AbstractBaseUser | AnonymousUser, token: str) -> CobrowseSession:
    """The live session `token` was made for, if it was made for `user` and `user` is
    still an agent of its group; otherwise the one domain error."""
    if not user.is_authenticated:
        raise TandemError(ErrorCode.UNAUTHENTICATED, "Log in as an agent.")
    try:
        claims = signing.TimestampSigner(salt=_SALT).unsign_object(
            token, max_age=settings.TANDEM_ASSET_TOKEN_SECONDS
        )
    except signing.SignatureExpired:
        raise TandemError(ErrorCode.EXPIRED, "The asset token has expired.") from None
    except signing.BadSignature:
        raise TandemError(ErrorCode.BAD_TOKEN, "Not an asset token.") from None
    if claims.get("u") != user.pk:
        raise TandemError(ErrorCode.FORBIDDEN, "The asset token is another agent's.")
    session = (
        CobrowseSession.objects.select_related("group")
        .filter(
            pk=claims.get("s"),
            state=CobrowseSession.State.ACTIVE,
            group_id__in=agent_group_ids(user=user),
        )
        .first()
    )
    if session is None:
        raise TandemError(ErrorCode.NOT_FOUND, "No live session of yours for this token.")
    return session


def asset_patterns(*, session: CobrowseSession) -> list[str]:
    """The host patterns the session's assets may come from."""
    return group_trusted_patterns(group=session.group) + session.group.asset_domain_list


def access_asset_source(
    *, user: AbstractBaseUser | AnonymousUser, token: str
) -> tuple[int, list[str]]:
    """The group whose assets `token` lets `user` fetch, and that group's host patterns:
    what a fetch needs, read in one go."""
    session = access_asset_session(user=user, token=token)
    return session.group_id, asset_patterns(session=session)


# --- where a fetch may go ------------------------------------------------------------


def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (tests replace this with a fake resolver)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def address_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str
    port: int
    path: str  # path and query, what the request line carries

    @property
    def origin(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"


def _target(url: str) -> _Target:
    if len(url) > MAX_URL:
        raise TandemError(ErrorCode.TOO_BIG, "The URL is too long.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise TandemError(ErrorCode.BAD_FRAME, "Not a URL.") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TandemError(ErrorCode.BAD_FRAME, "Only http and https URLs are fetched.")
    if parts.username or parts.password:
        raise TandemError(ErrorCode.BAD_FRAME, "URLs with credentials are not fetched.")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    default = 443 if parts.scheme == "https" else 80
    return _Target(parts.scheme, parts.hostname.lower(), port or default, path)


def _address(target: _Target, *, allow_private: bool) -> str:
    """The one address to connect to, checked: the host is resolved once, here."""
    try:
        addresses = resolve(target.host, target.port)
    except (OSError, UnicodeError):
        raise TandemError(ErrorCode.UPSTREAM, f"Cannot resolve {target.host[:100]!r}.") from None
    if not addresses:
        raise TandemError(ErrorCode.UPSTREAM, f"Cannot resolve {target.host[:100]!r}.")
    if not allow_private and not all(address_public(address) for address in addresses):
        raise TandemError(ErrorCode.FORBIDDEN, f"{target.host[:100]!r} is not a public address.")
    return addresses[0]


# --- fetching --------------------------------------------------------------------------


def _media_type(raw: str | None) -> str:
    return (raw or "application/octet-stream").split(";", 1)[0].strip().lower()


def _open(target: _Target, address: str) -> urllib3.BaseHTTPResponse:
    timeout = urllib3.Timeout(total=settings.TANDEM_ASSET_TIMEOUT_SECONDS)
    if target.scheme == "https":
        pool: urllib3.HTTPConnectionPool = urllib3.HTTPSConnectionPool(
            address,
            target.port,
            timeout=timeout,
            retries=False,
            cert_reqs="CERT_REQUIRED",
            server_hostname=target.host,
            assert_hostname=target.host,
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, target.port, timeout=timeout, retries=False)
    headers = {"Host": target.host_header, "User-Agent": _USER_AGENT, "Accept": "*/*"}
    return pool.urlopen(
        "GET", target.path, headers=headers, redirect=False, retries=False, preload_content=False
    )


def _read(response: urllib3.BaseHTTPResponse) -> bytes:
    limit = settings.TANDEM_ASSET_MAX_BYTES
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TandemError(ErrorCode.TOO_BIG, f"The asset is over {limit} bytes.")
    body = bytearray()
    for chunk in response.stream(64 * 1024):
        body += chunk
        if len(body) > limit:
            raise TandemError(ErrorCode.TOO_BIG, f"The asset is over {limit} bytes.")
    return bytes(body)


def asset_fetch(*, url: str, patterns: list[str], allow_private: bool) -> Asset:
    """GET `url` (following up to MAX_REDIRECTS redirects, each checked as the first)."""
    for _ in range(MAX_REDIRECTS + 1):
        target = _target(url)
        if not origin_trusted(target.origin, patterns):
            raise TandemError(
                ErrorCode.FORBIDDEN, f"{target.host[:100]!r} is not one of the group's domains."
            )
        address = _address(target, allow_private=allow_private)
        try:
            response = _open(target, address)
        except urllib3.exceptions.HTTPError as error:
            failure = f"Fetch failed: {type(error).__name__}."
            raise TandemError(ErrorCode.UPSTREAM, failure) from None
        try:
            location = response.headers.get("Location")
            if response.status in _REDIRECTS and location:
                url = urljoin(url, location).split("#", 1)[0]
                continue
            if response.status != 200:
                raise TandemError(ErrorCode.UPSTREAM, f"The site answered {response.status}.")
            content_type = _media_type(response.headers.get("Content-Type"))
            if content_type not in SAFE_TYPES:
                raise TandemError(ErrorCode.FORBIDDEN, f"{content_type[:60]!r} is not served.")
            try:
                body = _read(response)
            except urllib3.exceptions.HTTPError as error:
                raise TandemError(
                    ErrorCode.UPSTREAM, f"Fetch failed: {type(error).__name__}."
                ) from None
            return Asset(content_type=content_type, body=body, url=url)
        finally:
            response.release_conn()
    raise TandemError(ErrorCode.UPSTREAM, "Too many redirects.")


def _cache_key(*, group_id: int, url: str) -> str:
    # "asset2": stylesheets are kept read (see _prepared), not as the site sent them.
    return f"tandem.asset2.{group_id}.{hashlib.sha256(url.encode()).hexdigest()}"


def asset_get(*, group_id: int, patterns: list[str], url: str) -> Asset:
    """The asset at `url` for an agent of group `group_id` (whose domains are `patterns`):
    from the cache, or fetched (and kept when small enough), a stylesheet already read
    (`_prepared`). The cache is per group: each group's domains decide its fetches. No
    database access: it runs off Django's thread."""
    url = url.split("#", 1)[0]
    key = _cache_key(group_id=group_id, url=url)
    cached = cache.get(key)
    if isinstance(cached, Asset):
        return cached
    asset = _prepared(
        asset_fetch(url=url, patterns=patterns, allow_private=settings.TANDEM_ASSET_ALLOW_PRIVATE)
    )
    seconds = settings.TANDEM_ASSET_CACHE_SECONDS
    if seconds and len(asset.body) <= settings.TANDEM_ASSET_CACHE_MAX_BYTES:
        cache.set(key, asset, seconds)
    return asset


# --- stylesheets: every URL they load goes through the proxy too -----------------------
# Read with a CSS Syntax tokenizer (tinycss2), as the browser reads them: escaped URLs
# (`url(\68ttp://...)`, `u\72l(...)`), `@import "x.css"`, image-set() strings. The
# agent's page does the same for inline styles (static/src/agent/css.ts), and both answer
# the case table tests/css_url_cases.py. The agent page's CSP is the hard guarantee.

# Functions whose string arguments are URLs the browser fetches (`url("x")` is one too).
_URL_STRING_FUNCTIONS = frozenset({"url", "src", "image-set", "-webkit-image-set"})
_C0_AND_SPACE = "".join(chr(code) for code in range(0x21))
# Without escapes, only these texts can start something that loads.
_MAY_LOAD = re.compile(r"url\(|src\(|image-set\(|@import", re.IGNORECASE)


def proxied_url(url: str, *, base: str, proxy: str) -> str:
    """`url` (relative to `base`) as the proxy URL an agent's browser may load; data: and
    in-document `#id` references stay; any other scheme becomes nothing to load."""
    url = url.strip(_C0_AND_SPACE)  # as the URL parser does
    if url.startswith("#") or url[:5].lower() == "data:" or not url:
        return url
    absolute = urljoin(base, url)
    if urlsplit(absolute).scheme not in ("http", "https"):
        return "about:invalid"
    bare, _, fragment = absolute.partition("#")
    return f"{proxy}&u={quote(bare, safe='')}" + (f"#{fragment}" if fragment else "")


def _css_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
    return f'"{escaped}"'


def _rewrite_nodes(nodes: list, *, base: str, proxy: str, strings_are_urls: bool) -> None:
    """Rewrite, in place, the URLs among `nodes` (one level of component values) and in
    their blocks. `strings_are_urls`: the level is the inside of url()/image-set()."""
    pending_import = False  # after `@import`: a string is the sheet's URL
    in_namespace = False  # `@namespace ... url(...)` names a namespace; nothing is fetched
    for index, node in enumerate(nodes):
        kind = node.type
        if kind in ("whitespace", "comment"):
            continue
        if in_namespace:  # up to its `;` (or a block, which makes it invalid)
            in_namespace = not (kind == "{} block" or (kind == "literal" and node.value == ";"))
            continue
        url = None
        if kind == "url":
            url = f"url({_css_string(proxied_url(node.value, base=base, proxy=proxy))})"
            nodes[index] = tinycss2.ast.URLToken(node.source_line, node.source_column, "", url)
        elif kind == "string" and (strings_are_urls or pending_import):
            url = _css_string(proxied_url(node.value, base=base, proxy=proxy))
            nodes[index] = tinycss2.ast.StringToken(node.source_line, node.source_column, "", url)
        elif kind == "function":
            inner = node.lower_name in _URL_STRING_FUNCTIONS
            _rewrite_nodes(node.arguments, base=base, proxy=proxy, strings_are_urls=inner)
        elif kind in ("() block", "[] block", "{} block"):
            _rewrite_nodes(node.content, base=base, proxy=proxy, strings_are_urls=False)
        pending_import = kind == "at-keyword" and node.lower_value == "import"
        in_namespace = kind == "at-keyword" and node.lower_value == "namespace"


def css_rewrite(css: str, *, base: str, proxy: str) -> str:
    """`css` (a stylesheet or a declaration list) with every URL it loads through the proxy;
    everything else as it was."""
    if "\\" not in css and not _MAY_LOAD.search(css):
        return css
    nodes = tinycss2.parse_component_value_list(css)
    _rewrite_nodes(nodes, base=base, proxy=proxy, strings_are_urls=False)
    return tinycss2.serialize(nodes)


# Where a prepared stylesheet says the proxy's URL, which names the agent (its token): the
# one part that differs between agents. NUL cannot be in a stylesheet once it is read (CSS
# Syntax makes it U+FFFD), so nothing the site wrote can pass for it.
_PROXY_MARK = "\0proxy\0"


def _prepared(asset: Asset) -> Asset:
    """A stylesheet with every URL it loads pointed at the proxy, as `_PROXY_MARK`: read
    once per group and URL (tokenizing takes time), the mark swapped per agent."""
    if asset.content_type != "text/css":
        return asset
    text = asset.body.decode("utf-8", errors="replace")
    body = css_rewrite(text, base=asset.url, proxy=_PROXY_MARK).encode()
    return Asset(content_type=asset.content_type, body=body, url=asset.url)


def asset_body(*, asset: Asset, proxy: str) -> bytes:
    """What the agent's browser gets: a prepared stylesheet with this agent's proxy URL."""
    if asset.content_type != "text/css":
        return asset.body
    return asset.body.replace(_PROXY_MARK.encode(), proxy.encode())


def asset_served(*, group_id: int, patterns: list[str], url: str, proxy: str) -> tuple[str, bytes]:
    """The content type and body an agent's browser gets for `url` (see asset_get)."""
    asset = asset_get(group_id=group_id, patterns=patterns, url=url)
    return asset.content_type, asset_body(asset=asset, proxy=proxy)
