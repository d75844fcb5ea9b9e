"""Fixtures shared by the whole suite: the demo directory, loaded once into the test database."""

import pytest

from tests.factories import make_user


def pytest_configure(config):
    # WhiteNoise warns on every request that STATIC_ROOT is missing until collectstatic runs;
    # tests serve no static files, so the warning is noise.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Seed the demo data (industries, the 112k-place gazetteer, hubs) once per session.

    Every test then runs in a transaction on top of it and rolls back, so the demo rows are
    the same for each test.
    """
    from hubs.demo import seed_demo

    with django_db_blocker.unblock():
        seed_demo()


@pytest.fixture
def superuser(db):
    return make_user(username="curator", is_staff=True, is_superuser=True)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with no cached page, rate-limit counter or directory version: the
    database rolls back between tests, and the cache must not remember rows it lost."""
    from django.conf import settings
    from django.core.cache import caches

    for alias in settings.CACHES:
        caches[alias].clear()
    yield
    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    """Uploads and stored share cards go to a folder of the test's own, not the project's."""
    settings.MEDIA_ROOT = tmp_path / "media"
