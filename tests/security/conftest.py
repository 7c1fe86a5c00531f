import os

import pytest
from hypothesis import settings

from tests.security.world import build_world

# Examples per form in the fuzz test: 100 in CI (REQUIRE_SERVICES=1; what fits the whole
# run in its 15 minutes on two cores), fewer locally, 500 on demand (HYPOTHESIS_PROFILE=deep).
settings.register_profile("deep", max_examples=500, deadline=None)
settings.register_profile("ci", max_examples=100, deadline=None)
settings.register_profile("dev", max_examples=25, deadline=None)
settings.load_profile(
    os.environ.get(
        "HYPOTHESIS_PROFILE", "ci" if os.environ.get("REQUIRE_SERVICES") == "1" else "dev"
    )
)


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):
    """The world, built once per test module (and xdist worker) inside a transaction
    that is rolled back when the module is done. Each test runs in a savepoint inside
    it (pytest-django's `db`), so what a test writes is undone before the next."""
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def world(_module_world, db):
    from django.core.cache import cache

    # Rate-limit counters (per address: every test client is 127.0.0.1) from earlier
    # tests would otherwise turn the signed-link pages into 429s part-way through.
    cache.clear()
    return _module_world
