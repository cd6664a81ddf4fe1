"""An agent logs in at /accounts/login/ or /admin/login/: wrong passwords are throttled.

After TANDEM_LOGIN_FAILURE_LIMIT failures for one username from one address, that pair
is refused (429) even with the right password, until the cool-off ends or an admin
resets it; the same agent from another address, and other agents, still log in.
"""

from datetime import timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.django_db

RIGHT = "right-password-123"
ATTACKER = "203.0.113.7"
OFFICE = "198.51.100.20"


@pytest.fixture
def staff_agent(agent):
    agent.set_password(RIGHT)
    agent.is_staff = agent.is_superuser = True
    agent.save()
    return agent


def log_in(url: str, password: str, address: str, username: str = "agent"):
    client = Client(REMOTE_ADDR=address)
    return client.post(url, {"username": username, "password": password})


def fail_to_the_limit(url: str, settings) -> None:
    """N wrong passwords: the form comes back N-1 times; the Nth starts the lockout."""
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = log_in(url, f"guess-{attempt}", ATTACKER)
        assert response.status_code == 200, "a wrong password shows the form again"
    assert log_in(url, "last-guess", ATTACKER).status_code == 429


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_attempt_after_the_failure_limit_is_refused_even_with_the_right_password(
    staff_agent, settings, url
):
    fail_to_the_limit(url, settings)

    response = log_in(url, RIGHT, ATTACKER)

    assert response.status_code == 429
    assert "_auth_user_id" not in response.client.session


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_same_agent_from_another_address_still_logs_in(staff_agent, settings, url):
    fail_to_the_limit(url, settings)

    response = log_in(url, RIGHT, OFFICE)

    assert response.status_code == 302
    assert response.client.session["_auth_user_id"] == str(staff_agent.pk)


def test_another_agent_from_the_locked_address_still_logs_in(staff_agent, agent2, settings):
    agent2.set_password(RIGHT)
    agent2.save()
    fail_to_the_limit("/accounts/login/", settings)

    response = log_in("/accounts/login/", RIGHT, ATTACKER, username="agent2")

    assert response.status_code == 302


def test_reset_lifts_the_lockout(staff_agent, settings):
    fail_to_the_limit("/accounts/login/", settings)

    call_command("axes_reset_username", "agent", stdout=StringIO())
    response = log_in("/accounts/login/", RIGHT, ATTACKER)

    assert response.status_code == 302


def test_lockout_ends_after_the_cool_off(staff_agent, settings):
    fail_to_the_limit("/accounts/login/", settings)
    # The cool-off passes: the failures now lie further back than it lasts.
    past = timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    AccessAttempt.objects.update(attempt_time=past)

    response = log_in("/accounts/login/", RIGHT, ATTACKER)

    assert response.status_code == 302


def test_successful_logins_are_never_counted(staff_agent, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        assert log_in("/accounts/login/", RIGHT, OFFICE).status_code == 302


def test_a_right_password_resets_the_count(staff_agent, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in("/accounts/login/", f"guess-{attempt}", OFFICE)
    assert log_in("/accounts/login/", RIGHT, OFFICE).status_code == 302

    log_in("/accounts/login/", "one-more-typo", OFFICE)

    assert log_in("/accounts/login/", RIGHT, OFFICE).status_code == 302


def test_user_model_is_unchanged_by_lockouts(staff_agent, settings):
    fail_to_the_limit("/accounts/login/", settings)

    assert get_user_model().objects.get(pk=staff_agent.pk).is_active
