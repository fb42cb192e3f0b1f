"""Two app servers sharing one journal: the fixtures of `make cluster-test`.

`scripts/cluster-test` starts a private PostgreSQL cluster and a Redis server and sets
the environment both app servers read (DATABASE_URL, CACHE_BACKEND and CACHE_LOCATION
for Redis, one MEDIA_ROOT); here the journal is migrated, a few accounts and records
are made, and two gunicorns (A and B, gunicorn.conf.py, production settings) are
started on free loopback ports and stopped after the last test, also when one fails.
The tests speak HTTP to them like browsers behind one proxy: a `requests` session
keeps its cookies for 127.0.0.1 whichever port it asks, so one person can move from A
to B. The test process reads the same database through the ORM to check what the
servers wrote.
"""

import io
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import pytest
import requests
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "cluster"
PASSWORD = "cluster-test-password-1"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(*args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)  # noqa: S603 - our manage.py


@dataclass
class Server:
    """One gunicorn, its address and its log."""

    name: str
    url: str
    process: subprocess.Popen
    log: Path

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_server(name, **env):
    """A gunicorn with gunicorn.conf.py on a free port, once its /health/ answers."""
    port = free_port()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = ARTIFACTS / f"gunicorn-{name}.log"
    with log.open("w") as output:  # the child keeps its own copy of the handle
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        process = subprocess.Popen(  # noqa: S603 - our own gunicorn, our own arguments
            [gunicorn, "-c", "gunicorn.conf.py", "confjournal.wsgi"],
            cwd=ROOT,
            env={**os.environ, "BIND": f"127.0.0.1:{port}", **env},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = Server(name, f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn {name} exited: {log.read_text()[-2000:]}")
        try:
            requests.get(server.url + "/health/", timeout=5)
            return server
        except requests.ConnectionError:
            time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"gunicorn {name} did not answer within 60 s")


@pytest.fixture(scope="session")
def orm(django_db_blocker):
    """The servers' own database, read and written from the test process."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture(scope="session")
def journal(orm):
    """Migrated, with static files, two people and a public event."""
    from django.contrib.auth.models import Group, User

    from events.models import Event

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.fail("make cluster-test runs on PostgreSQL: DATABASE_URL is not set to one")
    manage("migrate", "--noinput", "-v0")
    manage("collectstatic", "--noinput", "-v0")
    ada = User.objects.create_superuser("ada", "ada@example.org", PASSWORD)
    ben = User.objects.create_user("ben", "ben@example.org", PASSWORD, is_staff=True)
    ben.groups.add(Group.objects.get(name="Contributors"))
    event = Event.objects.create(
        name="Cluster Conference",
        slug="cluster-conf",
        kind="conference",
        start_date="2022-11-28",
        end_date="2022-12-09",
        city="New Orleans",
        owner=ada,
        visibility="public",
    )
    return {"ada": ada, "ben": ben, "event": event}


@pytest.fixture(scope="session")
def servers(journal):
    """Server A and server B, both started from the same environment."""
    started = []
    try:
        for name in ("a", "b"):
            started.append(start_server(name))
        yield started
    finally:
        for server in started:
            server.stop()


@pytest.fixture(scope="session")
def a(servers):
    return servers[0].url


@pytest.fixture(scope="session")
def b(servers):
    return servers[1].url


def unique(word):
    """A word no other test wrote: `word` and a short random tail."""
    return f"{word}{uuid.uuid4().hex[:8]}"


class Browser:
    """One person's browser: its cookies go to whichever server it asks."""

    def __init__(self):
        self.http = requests.Session()

    def get(self, url, **kwargs):
        return self.http.get(url, timeout=60, allow_redirects=False, **kwargs)

    def page(self, url):
        """A page's text, asserting it was a 200."""
        response = self.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        return response.text

    def log_in(self, server, username, password=PASSWORD):
        """The admin's log-in form, filled and sent; the response (302 on success)."""
        return self.submit(
            server + "/admin/login/?next=/admin/", {"username": username, "password": password}
        )

    def log_out(self, server):
        return self.submit(server + "/admin/", {}, form_id="logout-form")

    def submit(self, url, changes, files=None, form_id=None):
        """Send the form on the page at `url` as a browser would, with `changes` typed in.

        Every field keeps the value the page gave it (inline rows and their management
        forms included), so an admin page is saved exactly as its own form would be.
        """
        response = self.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        document = lxml.html.fromstring(response.content, base_url=url)
        # The page's own form: not the header's language switcher or log-out button.
        wanted = form_id or re.compile(r"^(login-form|\w+_form)$")
        forms = [
            form
            for form in document.forms
            if (form.method or "").upper() == "POST"
            and (form.get("id") == wanted if form_id else wanted.match(form.get("id") or ""))
        ]
        assert len(forms) == 1, f"{url}: {len(forms)} forms to send"
        form = forms[0]
        values = [(name, value) for name, value in form.form_values() if name not in changes]
        for name, value in changes.items():
            for one in value if isinstance(value, list) else [value]:
                values.append((name, one))
        action = form.action or url
        return self.http.post(
            action,
            data=values,
            files=files,
            timeout=60,
            allow_redirects=False,
            headers={"Referer": url},
        )


@pytest.fixture
def browser():
    return Browser()


@pytest.fixture
def ada_browser(servers):
    """Ada, the journal's owner (a superuser), logged in through server A."""
    person = Browser()
    assert person.log_in(servers[0].url, "ada").status_code == 302
    return person


def jpeg(color="red", size=(640, 480)):
    """A photo as a camera would hand it over: a JPEG file's bytes."""
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG", quality=85)
    return out.getvalue()
