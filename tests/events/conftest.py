import pytest

from tests.sample_journal import build_shared_journal


@pytest.fixture
def shared_journal(db):
    return build_shared_journal()
