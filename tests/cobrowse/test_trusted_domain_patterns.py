"""Which page origins a trusted-domain pattern lets in (`cobrowse.domains`)."""

import pytest
from django.core.exceptions import ValidationError

from cobrowse.domains import origin_parts, origin_trusted, pattern_matches
from cobrowse.models import validate_host_pattern


@pytest.mark.parametrize(
    ("pattern", "origin"),
    [
        ("example.com", "https://example.com"),
        ("example.com", "http://example.com:8080"),
        ("Example.COM", "https://EXAMPLE.com"),
        (" example.com ", "https://example.com"),
        ("*.example.com", "https://a.example.com"),
        ("*.example.com", "https://a.b.example.com"),
        ("*.example.com", "https://example.com"),
        ("https://example.com", "https://example.com"),
        ("https://example.com", "https://example.com:443"),
        ("http://example.com", "http://example.com"),
        ("example.com:8443", "https://example.com:8443"),
        ("https://app.example.com:8443", "https://app.example.com:8443"),
        ("example.com:80", "http://example.com"),
        ("*.example.com:8443", "https://shop.example.com:8443"),
        ("127.0.0.1", "http://127.0.0.1:5000"),
        ("[::1]", "http://[::1]:8000"),
        ("[::1]:8000", "http://[::1]:8000"),
    ],
)
def test_pattern_lets_origin_in(pattern, origin):
    assert pattern_matches(pattern, origin)


@pytest.mark.parametrize(
    ("pattern", "origin"),
    [
        ("example.com", "https://a.example.com"),
        ("example.com", "https://example.com.evil.net"),
        ("example.com", "https://notexample.com"),
        ("*.example.com", "https://badexample.com"),
        ("*.example.com", "https://example.com.evil.net"),
        ("*.example.com", "https://aexample.com"),
        ("https://example.com", "http://example.com"),
        ("http://example.com", "https://example.com"),
        ("example.com:8443", "https://example.com"),
        ("example.com:8443", "https://example.com:8444"),
        ("https://app.example.com:8443", "http://app.example.com:8443"),
        ("example.com:80", "https://example.com"),
        ("[::1]:8000", "http://[::1]:8001"),
        ("127.0.0.1", "http://127.0.0.2"),
        ("example.com", ""),
        ("example.com", "null"),
        ("example.com", "example.com"),
        ("example.com", "ftp://example.com"),
        ("example.com", "file:///etc/passwd"),
        ("example.com", "https://example.com:99999"),
        ("example.com", "https://example.com:port"),
    ],
)
def test_pattern_keeps_origin_out(pattern, origin):
    assert not pattern_matches(pattern, origin)


def test_origin_is_trusted_when_any_pattern_matches():
    patterns = ["shop.example", "*.example.com"]

    assert origin_trusted("https://a.example.com", patterns)
    assert origin_trusted("http://shop.example", patterns)
    assert not origin_trusted("https://other.example", patterns)
    assert not origin_trusted("https://shop.example", [])


def test_origin_is_split_into_scheme_host_and_port():
    assert origin_parts("https://Shop.Example") == ("https", "shop.example", 443)
    assert origin_parts("http://shop.example") == ("http", "shop.example", 80)
    assert origin_parts("http://shop.example:8080") == ("http", "shop.example", 8080)
    assert origin_parts("ws://shop.example") is None
    assert origin_parts("https://") is None


@pytest.mark.parametrize(
    "pattern",
    ["example.com", "*.example.com", "https://app.example.com:8443", "127.0.0.1", "[::1]:8000"],
)
def test_admin_accepts_host_patterns(pattern):
    validate_host_pattern(pattern)


@pytest.mark.parametrize(
    "pattern",
    ["", "*", "*example.com", "a.*.example.com", "ftp://example.com", "https://", "exa mple.com"],
)
def test_admin_refuses_what_is_not_a_host_pattern(pattern):
    with pytest.raises(ValidationError):
        validate_host_pattern(pattern)
