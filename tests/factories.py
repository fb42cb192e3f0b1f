"""factory_boy factories: plain public records unless a test asks otherwise."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from events.models import Booth, Event
from talks.models import Note, Paper, Speaker, Talk


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True


class StaffMemberFactory(UserFactory):
    """Staff who is no superuser; `group="Editors"` or `"Contributors"` puts them in it."""

    is_staff = True

    @factory.post_generation
    def group(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    name = factory.Sequence(lambda n: f"Conference {n}")
    slug = factory.Sequence(lambda n: f"conference-{n}")
    kind = Event.Kind.CONFERENCE
    start_date = datetime.date(2022, 11, 28)
    end_date = factory.LazyAttribute(lambda e: e.start_date + datetime.timedelta(days=1))
    city = "New Orleans"
    country = "US"
    owner = factory.SubFactory(UserFactory)


class BoothFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booth

    event = factory.SubFactory(EventFactory)
    organization = factory.Sequence(lambda n: f"Company {n}")


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    name = factory.Sequence(lambda n: f"Speaker {n}")
    slug = factory.Sequence(lambda n: f"speaker-{n}")


class TalkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Talk
        skip_postgeneration_save = True

    event = factory.SubFactory(EventFactory)
    title = factory.Sequence(lambda n: f"Talk {n}")
    date = factory.LazyAttribute(lambda t: t.event.start_date)

    @factory.post_generation
    def speakers(self, create, extracted, **kwargs):
        if create and extracted:
            self.set_speakers(extracted)


class PaperFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Paper

    event = factory.SubFactory(EventFactory)
    title = factory.Sequence(lambda n: f"Paper {n}")
    authors = "Ada Lovelace\nAlan Turing"


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Note

    event = factory.SubFactory(EventFactory)
    owner = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Note body {n}")
    visibility = Note._meta.get_field("visibility").default
