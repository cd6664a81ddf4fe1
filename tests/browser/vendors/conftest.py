"""Fixtures the vendor tests share with the tests of the same features elsewhere."""

from tests.browser.test_invoke import visitor_with_chat  # noqa: F401
