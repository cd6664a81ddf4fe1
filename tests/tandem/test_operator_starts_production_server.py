"""An operator starts Tandem for production: DEBUG off, settings from the environment.

The server refuses to start on no key or on the public development key, the demo step
stays out of the production start, and `check --deploy` is clean with the settings
docs/deploy.md documents.
"""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from tandem.env import env_proxy_ssl_header
from tests.servers import ROOT

# The production settings of docs/deploy.md (a long random key in real life).
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k3J9-a8Zq2Lw7Xv1Rt5Nb0Ms4Pd6Yf2Hc8Ge1Uj3Ki9Ol5Tm7Qn0Wr4Ez6Ax2Sy8Bv",
    "ALLOWED_HOSTS": "tandem.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://tandem.example.com",
    "TANDEM_SECURE_COOKIES": "1",
    "TANDEM_SSL_REDIRECT": "1",
    "TANDEM_HSTS_SECONDS": "31536000",
    "TANDEM_HSTS_INCLUDE_SUBDOMAINS": "1",
    "TANDEM_HSTS_PRELOAD": "1",
    "TANDEM_PROXY_SSL_HEADER": "X-Forwarded-Proto",
}


def inherited_env() -> dict[str, str]:
    """This run's environment without any of Tandem's settings (so none leaks in)."""
    return {
        key: value
        for key, value in os.environ.items()
        if key not in ("SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE")
        and not key.startswith(("TANDEM_", "ALLOWED_", "CSRF_", "REDIS_", "DATABASE_"))
    }


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """`manage.py args` with only the given settings (nothing inherited from this run)."""
    env = {**inherited_env(), "DJANGO_SETTINGS_MODULE": "tandem.settings", **env}
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("key", [None, "", "tandem-local-development-key-not-for-production"])
def test_server_refuses_to_start_with_debug_off_and_no_secret_key(key):
    env = {"DEBUG": "0"} if key is None else {"DEBUG": "0", "SECRET_KEY": key}

    result = manage("check", **env)

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_server_refuses_to_start_without_any_setting():
    result = manage("check")  # DEBUG defaults to off

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_local_demo_starts_with_the_development_key_when_debug_is_on():
    result = manage("check", DEBUG="1")

    assert result.returncode == 0, result.stderr


def test_deploy_check_is_clean_with_the_documented_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_check_warns_without_them():
    key = PRODUCTION["SECRET_KEY"]

    result = manage("check", "--deploy", "--fail-level", "WARNING", DEBUG="0", SECRET_KEY=key)

    assert result.returncode != 0
    for warning in ["W004", "W008", "W012", "W016"]:
        assert f"security.{warning}" in result.stderr


def make_dry_run(target: str) -> str:
    result = subprocess.run(
        ["make", "-n", "-B", target], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return result.stdout


def test_production_start_runs_daphne_without_debug_or_demo_data():
    commands = make_dry_run("serve")

    assert "daphne" in commands
    assert "DEBUG=1" not in commands
    assert "manage.py demo" not in commands
    assert "--password" not in commands


def test_demo_step_stays_in_the_local_demo_start():
    commands = make_dry_run("run")

    assert "manage.py demo --password" in commands
    assert "DEBUG=1" in commands


@pytest.mark.parametrize(
    ("raw", "parsed"),
    [
        ("X-Forwarded-Proto", ("HTTP_X_FORWARDED_PROTO", "https")),
        ("X-Forwarded-Ssl: on", ("HTTP_X_FORWARDED_SSL", "on")),
        ("", None),
    ],
)
def test_proxy_ssl_header_names_the_header_the_proxy_sets(monkeypatch, raw, parsed):
    monkeypatch.setenv("TANDEM_PROXY_SSL_HEADER", raw)

    assert env_proxy_ssl_header("TANDEM_PROXY_SSL_HEADER") == parsed


@pytest.mark.parametrize("raw", ["X_Forwarded Proto", ": https", "X-Forwarded-Proto https"])
def test_proxy_ssl_header_that_is_no_header_name_stops_start_up(monkeypatch, raw):
    monkeypatch.setenv("TANDEM_PROXY_SSL_HEADER", raw)

    with pytest.raises(ImproperlyConfigured, match="TANDEM_PROXY_SSL_HEADER"):
        env_proxy_ssl_header("TANDEM_PROXY_SSL_HEADER")


def documented_settings_block() -> str:
    """The `sh` block under "### Settings" in docs/deploy.md, as an operator copies it."""
    text = (ROOT / "docs" / "deploy.md").read_text()
    section = text.split("### Settings", 1)[1]
    return section.split("```sh\n", 1)[1].split("```", 1)[0]


def test_documented_settings_file_read_by_the_shell_passes_the_deploy_check(tmp_path):
    block = documented_settings_block()
    key = PRODUCTION["SECRET_KEY"]
    lines = [
        f"SECRET_KEY={key}" if line.startswith("SECRET_KEY=") else line
        for line in block.splitlines()
    ]
    env_file = tmp_path / "tandem.env"
    env_file.write_text("\n".join(lines) + "\n")
    script = (
        f"set -a; . {env_file}; set +a; "
        f"exec {sys.executable} {ROOT / 'manage.py'} check --deploy --fail-level WARNING"
    )

    result = subprocess.run(
        ["bash", "-c", script],
        env=inherited_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr


REQUEST_SCRIPT = """
from django.test import Client
client = Client(HTTP_HOST="{host}", HTTP_X_FORWARDED_PROTO="https")
for path in {paths!r}:
    response = client.get(path)
    print(path, response.status_code, response.get("Location", ""))
"""


def production_requests(*paths: str, host: str = "tandem.example.com", **env: str):
    """GET each path in a production process; (stdout lines, stderr)."""
    script = REQUEST_SCRIPT.format(host=host, paths=list(paths))
    result = manage("shell", "-c", script, **{**PRODUCTION, **env})
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("/")]
    return lines, result.stderr


def test_production_serves_no_demo_site():
    lines, _ = production_requests("/demo/", "/demo/checkout/", "/")

    assert lines == ["/demo/ 404 ", "/demo/checkout/ 404 ", "/ 302 /agent/"]


def test_production_serves_the_demo_site_only_when_asked_to():
    lines, _ = production_requests("/demo/", TANDEM_DEMO_PAGES="1")

    assert lines == ["/demo/ 200 "]


def test_a_request_for_another_host_is_logged_in_one_line_without_a_traceback():
    lines, stderr = production_requests("/agent/", host="intranet.invalid")

    assert lines == ["/agent/ 400 "]
    logged = [line for line in stderr.splitlines() if "django.security" in line]
    assert len(logged) == 1 and "intranet.invalid" in logged[0]
    assert "Traceback" not in stderr
