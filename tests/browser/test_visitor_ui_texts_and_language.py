"""The default UI speaks the visitor's language (the tag's data-locale, the group's
setting, else the browser's), takes the integrator's own words (GLANCE_COBROWSE.texts),
and links the terms of co-browsing (the group's terms URL, or the tag's data-termsurl)."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_visitor_panel_names_the_agents import django_shell

GROUP_TERMS = "https://shop.example/terms-of-cobrowsing"
SET_GROUP = """
from cobrowse.models import Group
Group.objects.filter(public_id=72).update(terms_url="{terms}", ui_locale="{locale}")
"""


@pytest.fixture
def group_settings(server) -> Iterator:
    """Sets group 72's terms URL and UI language for one test, then clears them."""

    def set_(terms: str = "", locale: str = "") -> None:
        django_shell(server, SET_GROUP.format(terms=terms, locale=locale))

    yield set_
    set_()


def ask(page: Page, title: str):
    page.locator("#help").click()
    dialog = page.get_by_role("dialog", name=title)
    expect(dialog).to_be_visible()
    return dialog


def test_data_locale_de_shows_german_texts(server, pages_url, open_visitor):
    page = open_visitor(f"{pages_url}/ui-de.html").page

    dialog = ask(page, "Darf ein Mitarbeiter diese Seite sehen?")
    dialog.get_by_role("button", name="Zustimmen").click()

    status = page.get_by_role("region", name="Co-Browsing")
    expect(status).to_contain_text("Sie teilen diese Seite")
    expect(status).to_contain_text("Noch kein Mitarbeiter")
    expect(status.get_by_role("button", name="Freigabe beenden")).to_be_visible()
    expect(status.get_by_role("button", name="Minimieren")).to_be_visible()


def test_browser_language_is_the_fallback(server, pages_url, new_context):
    page = new_context(locale="de-DE").new_page()
    page.goto(f"{pages_url}/ui.html")

    expect(ask(page, "Darf ein Mitarbeiter diese Seite sehen?")).to_contain_text("Zustimmen")


def test_group_language_and_terms_url_reach_the_dialog(
    group_settings, server, pages_url, open_visitor
):
    group_settings(terms=GROUP_TERMS, locale="de")
    page = open_visitor(f"{pages_url}/ui.html").page

    dialog = ask(page, "Darf ein Mitarbeiter diese Seite sehen?")

    link = dialog.get_by_role("link", name="Nutzungsbedingungen für Co-Browsing lesen")
    expect(link).to_have_attribute("href", GROUP_TERMS)
    expect(link).to_have_attribute("target", "_blank")


def test_no_terms_link_without_a_terms_url(server, pages_url, open_visitor):
    page = open_visitor(f"{pages_url}/ui.html").page
    dialog = ask(page, "Let an agent see this page?")
    expect(dialog.get_by_role("link")).to_have_count(0)


def test_integrator_texts_terms_url_and_position_from_the_page(
    group_settings, server, pages_url, open_visitor
):
    group_settings(terms=GROUP_TERMS)
    page = open_visitor(f"{pages_url}/ui-texts.html").page

    dialog = ask(page, "Share your screen with Acme support?")
    # The tag's terms URL wins over the group's.
    expect(dialog.get_by_role("link", name="Read the terms of co-browsing")).to_have_attribute(
        "href", "https://acme.example/cobrowse-terms"
    )
    dialog.get_by_role("button", name="Accept").click()

    status = page.get_by_role("region", name="Co-browsing")
    expect(status.get_by_role("button", name="End co-browsing")).to_be_visible()
    expect(status).to_have_attribute("data-corner", "tr")
