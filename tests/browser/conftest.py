"""The site served by gunicorn on a fresh database, and Debian's Chromium to drive it.

`site_server` (once per test session): a temporary folder holds a new SQLite
database (migrated, demo journal loaded, an admin account made by
`ensure_admin`) and the collected static files; gunicorn serves the
production settings (DEBUG off, WhiteNoise's compressed hashed files) from
the project's gunicorn.conf.py on a free 127.0.0.1 port.

`browser` drives /usr/bin/chromium through Playwright (never a browser
Playwright downloads); `context_factory` opens browser contexts whose pages
record every console error, uncaught exception, CSP violation and request.
Missing tools are skipped through require_or_skip, so CI fails instead.
"""

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import require_or_skip

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ADMIN_USER = "admin"
ADMIN_PASSWORD = "browser-" + secrets.token_urlsafe(12)
ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_MISSING = "axe-core is missing: install npm (Debian's or NodeSource's), then make test"

# A CSP violation is reported to the console as an error too; this listener
# says which directive, so that the failure message names it.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`
    + ` at ${event.sourceFile}:${event.lineNumber}`);
});
"""

# Migrate, collect the static files (compressed and hashed, as in production),
# load the demo journal and a photo, make the admin account; then print the
# addresses of the public pages (tests/page_samples.py) as JSON.
SET_UP = """
import io, json
from django.core.management import call_command
quiet = {"verbosity": 0, "stdout": io.StringIO()}
call_command("migrate", interactive=False, **quiet)
call_command("collectstatic", interactive=False, **quiet)
call_command("load_demo", **quiet)
call_command("ensure_admin", **quiet)
from tests.page_samples import add_sample_photo, candidates
add_sample_photo()
print(json.dumps(candidates()))
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    env: dict
    log: Path

    def manage(self, *args):
        """Run a manage.py command against the served database; its stdout."""
        done = subprocess.run(  # noqa: S603 - our own command line
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, f"manage.py {' '.join(args)}:\n{done.stdout}{done.stderr}"
        return done.stdout

    def fetch(self, path, headers=None):
        """(status, headers, body) of a GET from the live server."""
        # Our own server, over http: (S310 warns of file: and custom schemes).
        request = urllib.request.Request(self.url + path, headers=headers or {})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()


@pytest.fixture(scope="session")
def site_server(tmp_path_factory):
    if not Path(GUNICORN).exists():
        require_or_skip("gunicorn is not installed in the virtualenv")
    folder = tmp_path_factory.mktemp("live")
    port = free_port()
    # The shell's own deployment settings (a database, hosts, the page cache) are not the
    # live server's: it serves its own journal on 127.0.0.1.
    shells = {
        "DATABASE_URL",
        "DEBUG",
        "DJANGO_SETTINGS_MODULE",
        "BIND",
        "ALLOWED_HOSTS",
        "PAGE_CACHE",
    }
    env = {key: value for key, value in os.environ.items() if key not in shells}
    env.update(
        DJANGO_SETTINGS_MODULE="confjournal.settings",
        SECRET_KEY=secrets.token_urlsafe(40),
        CONFJOURNAL_DATA_DIR=str(folder / "data"),
        STATIC_ROOT=str(folder / "static"),
        MEDIA_ROOT=str(folder / "media"),
        PORT=str(port),
        CONFJOURNAL_ADMIN_USER=ADMIN_USER,
        CONFJOURNAL_ADMIN_PASSWORD=ADMIN_PASSWORD,
        WEB_CONCURRENCY="2",
        GUNICORN_ACCESSLOG="-",
        PYTHONWARNINGS="ignore",
    )
    (folder / "data").mkdir()
    server = LiveServer(f"http://127.0.0.1:{port}", env, folder / "gunicorn.log")
    # One Django process for the whole set-up: each start costs seconds.
    server.pages = json.loads(server.manage("shell", "-v0", "-c", SET_UP).splitlines()[-1])
    with server.log.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - our own command line
            [GUNICORN, "-c", "gunicorn.conf.py", "confjournal.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if server.fetch("/")[0] == 200:
                        break
                except OSError:
                    pass
                assert process.poll() is None, server.log.read_text()
                assert time.monotonic() < deadline, "gunicorn did not answer in 30 s"
                time.sleep(0.2)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="session")
def public_pages(site_server):
    """{page kind: address} for every public HTML page kind (tests/page_samples.py)."""
    from tests.page_samples import pick

    def fetch(url):
        status, headers, body = site_server.fetch(url)
        return status, headers.get("Content-Type", ""), body

    return pick(site_server.pages, fetch)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        require_or_skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require_or_skip("Playwright is not installed (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Watch:
    """What the pages of one browser context said and fetched."""

    errors: list = field(default_factory=list)
    requests: list = field(default_factory=list)

    def attach(self, page):
        page.on(
            "console",
            lambda message: (
                message.type == "error"
                and self.errors.append(f"{page.url}: console: {message.text}")
            ),
        )
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: error: {error}"))
        page.on("request", lambda request: self.requests.append(request.url))


@pytest.fixture
def context_factory(browser, site_server):
    """new_context(**options) -> (context, watch), closed after the test."""
    contexts = []

    def new_context(**options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        options.setdefault("locale", "en-US")
        context = browser.new_context(base_url=site_server.url, **options)
        context.set_default_timeout(15_000)
        context.add_init_script(CSP_LISTENER)
        watch = Watch()
        context.on("page", watch.attach)
        contexts.append(context)
        return context, watch

    yield new_context
    for context in contexts:
        context.close()


@pytest.fixture
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
