"""The agent's pages that show visitor content send `Referrer-Policy: no-referrer`: nothing
they or their replay load tells anyone where it was asked from. Their POST forms are sent
with fetch() (static/src/agent/page.ts), which keeps the page's origin for Django's CSRF
check; the log-in pages, which show no visitor content, post their forms themselves."""

from html.parser import HTMLParser

import pytest

from agents.models import Membership
from cobrowse.models import CobrowseSession

pytestmark = pytest.mark.django_db


class PostForms(HTMLParser):
    """The attributes of every POST form of a page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.forms: list[dict[str, str | None]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form" and (found.get("method") or "").lower() == "post":
            self.forms.append(found)


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture
def key_live_in_two_groups(agent, demo_group, other_group) -> str:
    """A key live in both of the agent's groups: the viewer asks which one to watch."""
    Membership.objects.create(user=agent, group=other_group)
    for group in (demo_group, other_group):
        site = group.sites.get(name="production")
        CobrowseSession.objects.create(group=group, site=site, key="777777")
    return "777777"


def agent_pages(key_live_in_two_groups: str) -> list[str]:
    return [
        "/agent/",
        "/agent/session/123456/",
        f"/agent/session/{key_live_in_two_groups}/",  # which group?
        "/agent/join/?key=not+a+key!",  # the dashboard again, with the error
    ]


def test_every_agent_page_sends_no_referrer_and_fetches_its_post_forms(
    agent_client, key_live_in_two_groups
):
    for url in agent_pages(key_live_in_two_groups):
        response = agent_client.get(url)

        assert response["Referrer-Policy"] == "no-referrer", url
        forms = PostForms(response.content.decode()).forms
        assert forms, url  # Log out, at least
        assert [form for form in forms if form.get("data-post") != "fetch"] == [], url
        assert "agentpage.js" in response.content.decode(), url


def test_the_chooser_asks_which_group(agent_client, key_live_in_two_groups):
    body = agent_client.get(f"/agent/session/{key_live_in_two_groups}/").content.decode()

    assert "Which one do you want to watch?" in body


def test_the_log_in_page_keeps_same_origin_referrers_for_its_own_form(client):
    response = client.get("/accounts/login/")

    assert response["Referrer-Policy"] == "same-origin"
    assert PostForms(response.content.decode()).forms  # the log-in form posts itself


def test_a_fetched_logout_with_the_pages_origin_passes_the_csrf_check(agent, client):
    client.force_login(agent)
    csrf = client.get("/agent/").cookies["csrftoken"].value
    checked = client.__class__(enforce_csrf_checks=True, HTTP_ORIGIN="http://testserver")
    checked.cookies = client.cookies

    response = checked.post("/accounts/logout/", {"csrfmiddlewaretoken": csrf})

    assert response.status_code == 302
    assert checked.get("/agent/").status_code == 302  # logged out: to the login page


def test_a_form_post_with_a_null_origin_is_refused(agent, client):
    client.force_login(agent)
    csrf = client.get("/agent/").cookies["csrftoken"].value
    checked = client.__class__(enforce_csrf_checks=True, HTTP_ORIGIN="null")
    checked.cookies = client.cookies

    assert checked.post("/accounts/logout/", {"csrfmiddlewaretoken": csrf}).status_code == 403
