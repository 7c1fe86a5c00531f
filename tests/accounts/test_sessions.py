"""Sessions read from the shared cache: the database decides, Redis trouble fails nothing."""

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.test import override_settings

from accounts.sessions import SessionStore

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Nothing listens on port 1: every cache call fails at once.
REDIS_DOWN = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}


@pytest.fixture
def store_in(db):
    def make(cache_settings):
        override = override_settings(CACHES=cache_settings, SESSION_CACHE_SECONDS=300)
        override.enable()
        made.append(override)
        return SessionStore

    made = []
    yield make
    for override in made:
        override.disable()


def test_a_session_is_read_from_the_cache_after_the_first_time(store_in, django_assert_num_queries):
    store = store_in(LOCMEM)
    session = store()
    session["user"] = 7
    session.create()
    with django_assert_num_queries(0):
        assert store(session.session_key)["user"] == 7


def test_the_cache_keeps_a_session_at_most_five_minutes(store_in):
    store = store_in(LOCMEM)
    session = store()
    session.set_expiry(14 * 24 * 3600)
    session["user"] = 7
    session.create()
    cache = caches["default"]
    key = session.cache_key
    assert cache.get(key) == {"user": 7, "_session_expiry": 14 * 24 * 3600}
    # The local-memory cache keeps expiry times: within five minutes, not two weeks.
    import time

    assert cache._expire_info[cache.make_and_validate_key(key)] <= time.time() + 300


def test_logout_removes_the_cached_copy(store_in):
    store = store_in(LOCMEM)
    session = store()
    session["user"] = 7
    session.create()
    key = session.session_key
    session.delete()
    assert store(key).load() == {}
    assert not Session.objects.filter(session_key=key).exists()


def test_with_redis_down_sessions_work_from_the_database(store_in):
    store = store_in(REDIS_DOWN)
    session = store()
    session["user"] = 7
    session.create()  # the cache write fails and is logged
    key = session.session_key
    assert Session.objects.filter(session_key=key).exists()
    assert store(key)["user"] == 7  # read from the database
    store(key).delete()  # the cache removal fails and is logged
    assert not Session.objects.filter(session_key=key).exists()
