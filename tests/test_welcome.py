"""A new owner's first look: while the journal is the demo, the home page says so to the
journal's writers (not to visitors), with a first event to log and the demo to remove."""

import io

import pytest
from django.core.management import call_command
from django.test import Client

from events.models import Event
from tests import factories as make

pytestmark = pytest.mark.django_db

WELCOME = "Welcome to your journal"


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0, stdout=io.StringIO())


def test_the_owner_of_a_demo_journal_is_welcomed(client, demo):
    owner = make.UserFactory(username="minji", is_staff=True, is_superuser=True)
    client.force_login(owner)
    html = client.get("/").content.decode()
    assert WELCOME in html
    assert '<a class="button" href="/admin/events/event/add/">Log your first event</a>' in html
    assert '<a href="/demo/remove/">Remove the demo</a>' in html
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "첫 행사 기록하기" in html


def test_a_visitor_sees_no_welcome(demo):
    visitor = Client()
    assert WELCOME not in visitor.get("/").content.decode()
    assert visitor.get("/demo/remove/").status_code == 302  # to the log-in page


def test_the_welcome_goes_once_the_owner_logs_an_event(client, demo):
    owner = make.UserFactory(username="minji", is_staff=True, is_superuser=True)
    client.force_login(owner)
    make.EventFactory(name="My first forum", owner=owner)
    assert WELCOME not in client.get("/").content.decode()


def test_removing_the_demo_from_the_welcome(client, demo):
    owner = make.UserFactory(username="minji", is_staff=True, is_superuser=True)
    client.force_login(owner)
    page = client.get("/demo/remove/").content.decode()
    assert "Anything you added stays" in page
    assert Event.objects.exists()
    response = client.post("/demo/remove/", follow=True)
    assert response.redirect_chain == [("/", 302)]
    assert "The demo journal is gone" in response.content.decode()
    assert not Event.objects.exists()


def test_only_a_superuser_removes_the_demo(client, demo):
    client.force_login(make.StaffMemberFactory(username="keeper", group="Editors"))
    assert client.post("/demo/remove/").status_code == 403
    assert Event.objects.exists()
