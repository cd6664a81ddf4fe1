"""Which page origins a trusted-domain pattern lets in (`core.domains`)."""

import pytest
from django.core.exceptions import ValidationError

from cobrowse.models import validate_host_pattern
from core.domains import origin_parts, origin_trusted, pattern_matches
from tests.domain_cases import KEEPS_OUT, LETS_IN


@pytest.mark.parametrize(("pattern", "origin"), LETS_IN)
def test_pattern_lets_origin_in(pattern, origin):
    assert pattern_matches(pattern, origin)


@pytest.mark.parametrize(("pattern", "origin"), KEEPS_OUT)
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
