import os

import pytest
from hypothesis import settings

from tests.security.world import build_world

# Examples per form in the fuzz test: 200 in CI (REQUIRE_SERVICES=1), fewer locally.
settings.register_profile("ci", max_examples=200, deadline=None)
settings.register_profile("dev", max_examples=25, deadline=None)
settings.load_profile(
    os.environ.get(
        "HYPOTHESIS_PROFILE", "ci" if os.environ.get("REQUIRE_SERVICES") == "1" else "dev"
    )
)


@pytest.fixture
def world(db):
    from django.core.cache import cache

    # Rate-limit counters (per address: every test client is 127.0.0.1) from earlier
    # tests would otherwise turn the signed-link pages into 429s part-way through.
    cache.clear()
    return build_world()
