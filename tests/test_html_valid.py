"""Every kind of public page is valid HTML, as the Nu HTML Checker (vnu) reads it.

The pages are rendered with the Django test client from the demo journal
(tests/page_samples.py picks one address per page kind, in English and in
Korean), written to a temporary folder and checked by one run of vnu.jar
from npm's `vnu-jar` (`make test` runs `npm ci`).
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from tests.conftest import require_or_skip
from tests.page_samples import REQUIRED_KINDS, add_sample_photo, candidates, pick

pytestmark = [pytest.mark.django_db, pytest.mark.database("sqlite")]

VNU = (
    Path(__file__).resolve().parents[1] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
)


def vnu_errors(files):
    """{file name: [readable error]} from one vnu run over `files`."""
    java = shutil.which("java")
    if java is None:
        require_or_skip("java is not installed (apt-get install default-jre-headless)")
    if not VNU.exists():
        require_or_skip(
            "vnu.jar is missing: install npm (Debian's npm, or NodeSource's nodejs), then make test"
        )
    done = subprocess.run(  # noqa: S603 - our own command line
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    report = json.loads(done.stderr or done.stdout or '{"messages": []}')
    errors = {}
    for message in report["messages"]:
        name = Path(message.get("url", "?")).name
        where = f"line {message.get('lastLine', '?')}"
        errors.setdefault(name, []).append(
            f"{where}: {message['message']}\n      {message.get('extract', '').strip()}"
        )
    return errors


def test_every_public_page_kind_is_valid_html(client, tmp_path, django_capture_on_commit_callbacks):
    call_command("load_demo", verbosity=0)
    with django_capture_on_commit_callbacks(execute=True):
        add_sample_photo()

    def fetch(url):
        response = client.get(url)
        return response.status_code, response.get("Content-Type", ""), response.content

    pages = pick(candidates(), fetch)
    assert set(pages) >= REQUIRED_KINDS, REQUIRED_KINDS - set(pages)
    files = {}
    for language in ("en", "ko"):
        for kind, url in pages.items():
            response = client.get(url, headers={"accept-language": language})
            assert response.status_code == 200, url
            file = tmp_path / f"{language}-{len(files):02d}.html"
            file.write_bytes(response.content)
            files[file.name] = f"{language} {kind}: {url}"

    # The error pages a visitor can meet: not found, a bad host, a form sent without its
    # token, a view that fails.
    strict = Client(enforce_csrf_checks=True)
    failing = Client(raise_request_exception=False)
    for language in ("en", "ko"):
        headers = {"accept-language": language}
        with override_settings(ROOT_URLCONF="tests.failing_urls"):
            failed = failing.get("/__fail__/", headers=headers)
        for name, response in (
            ("404", client.get("/events/no-such-event/", headers=headers)),
            ("400", client.get("/", headers={**headers, "host": "elsewhere.example"})),
            ("403", strict.post("/admin/login/", {}, headers=headers)),
            ("500", failed),
        ):
            assert response.status_code == int(name)
            file = tmp_path / f"{language}-error-{name}.html"
            file.write_bytes(response.content)
            files[file.name] = f"{language} error page {name}"

    errors = vnu_errors(sorted(tmp_path.glob("*.html")))

    report = "\n".join(
        f"{files.get(name, name)}\n    " + "\n    ".join(lines) for name, lines in errors.items()
    )
    assert not errors, f"vnu found errors:\n{report}"
