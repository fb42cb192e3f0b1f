import pytest

from tests.factories import StaffFactory, UserFactory


@pytest.fixture
def user(db):
    return UserFactory(username="reader")


@pytest.fixture
def admin_user(db):
    return StaffFactory(username="editor")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client
