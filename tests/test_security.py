"""A hardened deployment: login lockouts, headers, CSP, error pages, settings, SQLite."""

import json
import os
import re
import secrets
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory
from django.urls import include, path
from django.views.defaults import server_error

from confjournal.web.clientip import client_ip
from tests.factories import EventFactory, NoteFactory, StaffFactory, UserFactory
from tests.html_checks import live_markup

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "correct horse battery staple"
LOGIN_ERROR = "Please enter the correct username and password"
LOCKED = "Locked out: too many failed log-ins"


# --- Login: django-axes ------------------------------------------------------


def log_in(client, password, username="minji", **extra):
    return client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password}, **extra
    )


@pytest.fixture
def minji(db):
    return StaffFactory(username="minji")


def test_login_is_locked_after_five_failures_even_with_the_right_password(client, minji):
    for attempt in range(4):
        response = log_in(client, f"wrong {attempt}")
        assert response.status_code == 200
        assert LOGIN_ERROR in response.content.decode()
    # The fifth failure locks: its own answer is already the lockout page.
    assert log_in(client, "wrong 4").status_code == 429
    response = log_in(client, PASSWORD)
    html = response.content.decode().replace("\xa0", " ")
    assert response.status_code == 429
    assert LOCKED in html
    assert "failed 5 times" in html and "Try again in 1 hour." in html
    assert '<a class="brand" href="/">ConfJournal</a>' in html
    assert live_markup(html) == []
    assert "_auth_user_id" not in client.session


def test_login_lockout_ignores_a_forged_x_forwarded_for(client, minji):
    for attempt in range(5):
        log_in(client, "wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}")
    response = log_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()


def test_login_lockout_behind_a_proxy_counts_the_address_the_proxy_saw(client, minji, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for attempt in range(5):
        forged = f"10.0.0.{attempt}, 203.0.113.7"
        log_in(client, "wrong", HTTP_X_FORWARDED_FOR=forged, **proxy)
    response = log_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7", **proxy)
    assert response.status_code == 429
    # Someone else behind the same proxy is not locked out.
    response = log_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.8", **proxy)
    assert response.status_code == 302


def test_login_lockout_is_for_one_username_from_one_address(client, minji):
    StaffFactory(username="jiwoo")
    for _attempt in range(5):
        log_in(client, "wrong")
    assert log_in(client, PASSWORD, username="jiwoo").status_code == 302
    other_address = Client()
    assert log_in(other_address, PASSWORD, REMOTE_ADDR="192.0.2.10").status_code == 302


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "192.0.2.1", "", "192.0.2.1"),
        (0, "192.0.2.1", "203.0.113.7", "192.0.2.1"),
        (1, "127.0.0.1", "203.0.113.7", "203.0.113.7"),
        (1, "127.0.0.1", "6.6.6.6, 203.0.113.7", "203.0.113.7"),
        (1, "127.0.0.1", "", "127.0.0.1"),
        (1, "127.0.0.1", "not-an-address", "127.0.0.1"),
        (2, "10.0.0.2", "6.6.6.6, 203.0.113.7, 10.0.0.1", "203.0.113.7"),
        (2, "10.0.0.2", "203.0.113.7", "10.0.0.2"),
        (1, "127.0.0.1", "2001:DB8::1", "2001:db8::1"),
    ],
)
def test_client_ip_counts_trusted_proxies_from_the_right(
    settings, proxies, remote, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    meta = {"REMOTE_ADDR": remote}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_ip(RequestFactory().get("/", **meta)) == expected


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "https:///evil.example/",
        "javascript:alert(1)",
    ],
)
def test_login_never_redirects_off_site(client, minji, target):
    response = client.post(
        "/admin/login/", {"username": "minji", "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_passwords_need_twelve_characters_and_not_a_common_one(db):
    user = UserFactory.build(username="minji")
    with pytest.raises(ValidationError) as error:
        validate_password("Xk3#pQ9!z", user)
    assert "This password is too short. It must contain at least 12 characters." in (
        error.value.messages
    )
    with pytest.raises(ValidationError):
        validate_password("password1234", user)
    validate_password("hebbian-learning-at-coex", user)


# --- Headers and Content-Security-Policy -------------------------------------

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def policy(header):
    """A Content-Security-Policy header as {directive: sources}, whatever their order."""
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in directives}


HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@pytest.mark.parametrize("url", ["/", "/notes/", "/admin/login/", "/admin/", "/no-such-page/"])
def test_security_headers_on_public_and_admin_pages(admin_client, url):
    response = admin_client.get(url)
    headers = {name: response.get(name) for name in HEADERS}
    assert policy(headers.pop("Content-Security-Policy")) == policy(CSP)
    assert headers == {
        name: value for name, value in HEADERS.items() if name != "Content-Security-Policy"
    }


@pytest.mark.parametrize("url", ["/static/css/site.css", "/static/favicon.svg"])
def test_security_headers_on_static_files(db, client, url):
    response = client.get(url)
    response.close()  # a file response: WhiteNoise streams the file
    assert response.status_code == 200
    assert response["Content-Type"].startswith(("text/css", "image/svg+xml"))
    headers = {name: response.get(name) for name in HEADERS}
    assert policy(headers.pop("Content-Security-Policy")) == policy(CSP)
    assert headers == {
        name: value for name, value in HEADERS.items() if name != "Content-Security-Policy"
    }


@pytest.fixture
def logged_event(admin_client, admin_user):
    event = EventFactory(name="NeurIPS 2022", slug="neurips-2022", owner=admin_user)
    NoteFactory(event=event, owner=admin_user, title="My note")
    return event


ADMIN_PAGES = [
    "/admin/",
    "/admin/events/",
    "/admin/events/event/",
    "/admin/events/event/add/",
    "/admin/events/event/{event}/change/",
    "/admin/events/event/{event}/delete/",
    "/admin/events/event/{event}/history/",
    "/admin/talks/talk/add/",
    "/admin/talks/talk/add/?_popup=1",
    "/admin/talks/speaker/add/?_to_field=id&_popup=1",
    "/admin/talks/note/",
    "/admin/talks/note/add/",
    "/admin/events/tag/add/",
    "/admin/password_change/",
    "/admin/auth/user/add/",
]


def test_admin_pages_run_under_the_content_security_policy(admin_client, logged_event):
    for url in ADMIN_PAGES:
        response = admin_client.get(url.format(event=logged_event.pk))
        assert response.status_code == 200, url
        assert live_markup(response.content.decode()) == [], url


def test_admin_popup_response_runs_under_the_content_security_policy(admin_client):
    response = admin_client.post(
        "/admin/talks/speaker/add/?_to_field=id&_popup=1",
        {"name": "승현준", "slug": "", "aliases": "", "affiliation": "", "homepage": "",
         "_popup": "1", "_to_field": "id"},
    )  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200
    assert 'src="/static/admin/js/popup_response.js"' in html
    assert live_markup(html) == []


def test_admin_login_page_runs_under_the_content_security_policy(client, db):
    assert live_markup(client.get("/admin/login/").content.decode()) == []


# --- Error pages --------------------------------------------------------------

BRAND = '<a class="brand" href="/">ConfJournal</a>'


def test_unknown_address_is_the_404_page_in_the_site_look(client, db):
    response = client.get("/events/no-such-event/")
    html = response.content.decode()
    assert response.status_code == 404
    assert BRAND in html and "<h1>Not found</h1>" in html


def test_unknown_host_is_the_400_page_in_the_site_look(client, db):
    response = client.get("/", HTTP_HOST="evil.example")
    html = response.content.decode()
    assert response.status_code == 400
    assert BRAND in html and "<h1>Bad request</h1>" in html


@pytest.mark.parametrize("url", ["/speakers/a%00b/", "/events/?tag=%00", "/talks/?x%00=1"])
def test_nul_in_the_address_is_the_400_page(client, db, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "<h1>Bad request</h1>" in response.content.decode()


def test_csrf_failure_is_the_403_page_in_the_site_look(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "minji", "password": PASSWORD})
    html = response.content.decode()
    assert response.status_code == 403
    assert BRAND in html and "<h1>Form expired</h1>" in html
    assert "Reload the page and send it again" in html


def test_500_page_renders_without_the_database(db, django_assert_num_queries):
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        response = server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert BRAND in html and "<h1>Something went wrong</h1>" in html


def broken_view(request):
    raise RuntimeError("the view broke")


urlpatterns = [
    path("broken/", broken_view),
    path("", include("confjournal.urls")),
]


def test_500_page_for_a_broken_view_in_the_site_look(
    client, db, settings, django_assert_num_queries
):
    settings.ROOT_URLCONF = "tests.test_security"
    client.raise_request_exception = False
    with django_assert_num_queries(0):
        response = client.get("/broken/")
    html = response.content.decode()
    assert response.status_code == 500
    assert BRAND in html and "Nothing you saved is lost" in html
    assert policy(response["Content-Security-Policy"]) == policy(CSP)


# --- Settings from the environment --------------------------------------------

# Variables the settings read; a subprocess starts from none of them.
SETTINGS_VARIABLES = re.compile(
    r"^(DEBUG|SECRET_KEY|ALLOWED_HOSTS|CSRF_TRUSTED_ORIGINS|DATABASE_URL|SECURE_.*|"
    r"BEHIND_HTTPS_PROXY|TRUSTED_PROXY_COUNT|CONFJOURNAL_.*|DJANGO_.*|MEDIA_ROOT|STATIC_ROOT)$"
)


def clean_environment(tmp_path, **variables):
    env = {key: value for key, value in os.environ.items() if not SETTINGS_VARIABLES.match(key)}
    env["CONFJOURNAL_DATA_DIR"] = str(tmp_path)
    env["DJANGO_SETTINGS_MODULE"] = "confjournal.settings"
    env.update(variables)
    return env


def manage(env, *args):
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def documented_production_environment():
    """The variables of docs/deploy.md's production example (its env block)."""
    page = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    block = page.split("<!-- production-env -->", 2)[1]
    pairs = re.findall(r"^([A-Z_]+)=(\S*)$", block, re.MULTILINE)
    assert len(pairs) >= 8
    return dict(pairs)


def test_check_deploy_passes_with_the_documented_production_environment(tmp_path):
    env = documented_production_environment()
    env["SECRET_KEY"] = secrets.token_urlsafe(50)  # docs/deploy.md says: make your own
    result = manage(
        clean_environment(tmp_path, **env), "check", "--deploy", "--fail-level", "WARNING"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_fails_with_laptop_defaults(tmp_path):
    env = clean_environment(tmp_path, SECRET_KEY=secrets.token_urlsafe(50))
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr


def test_settings_refuse_to_load_without_a_secret_key(tmp_path):
    result = manage(clean_environment(tmp_path), "check")
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: SECRET_KEY is not set. "
        "Set it in the environment, run `make run` once (it keeps one in data/secret_key), "
        "or DEBUG=1 for local work."
    )


def test_manage_py_works_with_the_key_make_run_keeps(tmp_path):
    """`make run` keeps a key in the data folder; manage.py then needs nothing exported."""
    env = clean_environment(tmp_path)
    subprocess.run([ROOT / "scripts" / "secret-key"], cwd=ROOT, env=env, check=True)  # noqa: S603
    key = tmp_path / "secret_key"
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    assert len(key.read_text().strip()) >= 50
    result = manage(env, "check")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_settings_refuse_any_host_outside_debug(tmp_path):
    env = clean_environment(tmp_path, SECRET_KEY="x" * 50, ALLOWED_HOSTS="*")
    result = manage(env, "check")
    assert result.returncode != 0
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .endswith("ALLOWED_HOSTS=* accepts any Host header. Name the site's host names instead.")
    )


# --- SQLite for a server ------------------------------------------------------

WRITER = textwrap.dedent(
    """
    import json, sys
    import django
    django.setup()
    from django.db import connection, transaction
    from events.models import Tag

    worker = sys.argv[1]
    for n in range(40):
        # Read, then write, in one transaction: the pattern that fails with
        # "database is locked" when transactions start deferred.
        with transaction.atomic():
            Tag.objects.filter(name__startswith="w").count()
            Tag.objects.create(name=f"w{worker}-{n}", slug=f"w{worker}-{n}")
    with connection.cursor() as cursor:
        pragmas = {}
        for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout"):
            pragmas[name] = cursor.execute(f"PRAGMA {name}").fetchone()[0]
    print(json.dumps(pragmas))
    """
)


@pytest.mark.database("sqlite")
def test_sqlite_file_database_takes_concurrent_writers(tmp_path):
    database = tmp_path / "journal.sqlite3"
    env = clean_environment(tmp_path, SECRET_KEY="x" * 50, DATABASE_URL=f"sqlite:///{database}")
    migrated = manage(env, "migrate", "--noinput", "-v0")
    assert migrated.returncode == 0, migrated.stderr
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    workers = [
        subprocess.Popen(  # noqa: S603 - our own script
            [sys.executable, str(script), str(worker)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for worker in range(4)
    ]
    outputs = [worker.communicate(timeout=120) for worker in workers]
    for (stdout, stderr), worker in zip(outputs, workers, strict=True):
        assert "database is locked" not in stderr
        assert worker.returncode == 0, stderr
        assert json.loads(stdout) == {
            "journal_mode": "wal",
            "synchronous": 1,
            "foreign_keys": 1,
            "busy_timeout": 10000,
        }
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        count = db.execute("SELECT COUNT(*) FROM events_tag WHERE name LIKE 'w%'").fetchone()[0]
    assert count == 4 * 40


def test_postgresql_connections_skip_jit_and_keep_the_operators_options(tmp_path):
    """Each connection leaves out JIT and parallel workers and prepares statements run
    again; PGOPTIONS and the options of DATABASE_URL still apply, after them, so that
    they win (docs/deploy.md)."""
    env = clean_environment(
        tmp_path,
        SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://journal@127.0.0.1:1/journal?options=-c%20statement_timeout%3D5s",
        PGOPTIONS="-c work_mem=7MB",
    )
    code = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"
    shown = manage(env, "shell", "-v0", "-c", code)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == (
        "{'options': '-c jit=off -c max_parallel_workers_per_gather=0 "
        "-c work_mem=7MB -c statement_timeout=5s', "
        "'server_side_binding': True, 'prepare_threshold': 5}"
    )
    # Behind a pooler that cannot keep prepared statements, they can be turned off.
    shown = manage({**env, "PG_PREPARE": "0"}, "shell", "-v0", "-c", code)
    assert shown.returncode == 0, shown.stderr
    assert "prepare_threshold" not in shown.stdout
    assert "server_side_binding" not in shown.stdout


def test_connections_outlive_a_request_and_are_checked_before_reuse(tmp_path):
    """A database connection is kept for 60 s unless CONN_MAX_AGE says otherwise, and is
    checked before a request reuses it (docs/deploy.md)."""
    env = clean_environment(tmp_path, SECRET_KEY="x" * 50)
    code = (
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    shown = manage(env, "shell", "-v0", "-c", code)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.split() == ["60", "True"]
    shown = manage({**env, "CONN_MAX_AGE": "0"}, "shell", "-v0", "-c", code)
    assert shown.stdout.split() == ["0", "True"]
