import datetime

import pytest

from tests.datafiles import data_file
from tests.factories import EventFactory, UserFactory
from tests.sample_journal import build_shared_journal


@pytest.fixture
def neurips(db):
    """The event the pretalx NeurIPS-like programme goes into: its dates, Chicago time."""
    return EventFactory(
        name="NeurIPS 2022",
        slug="neurips-2022",
        start_date=datetime.date(2022, 11, 28),
        end_date=datetime.date(2022, 12, 1),
        time_zone="America/Chicago",
        owner=UserFactory(username="minji"),
    )


@pytest.fixture
def pretalx():
    """The path of one of the real pretalx export files: pretalx("schedule.xml")."""
    return lambda name: data_file("pretalx-neurips22", name)


@pytest.fixture
def shared_journal(db):
    return build_shared_journal()
