import pytest


@pytest.fixture(autouse=True)
def _roomy_guest_rate_limits(settings):
    # These tests open guests' links many times from one address; the limits themselves
    # are tested in test_views (own addresses) and tests/security.
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "rsvp": {"rate": "10000/h", "key": "ip"},
        "guest_link": {"rate": "10000/h", "key": "ip"},
    }
