"""Sessions kept in the database and read from the shared cache (Redis) when there is one.

Django's `cached_db` store, with two changes:
- a session is kept in the cache for at most `SESSION_CACHE_SECONDS` (5 minutes), not
  for its whole life: a logout or a deletion whose cache eviction failed while Redis was
  unreachable cannot outlive that if Redis comes back with the old copy;
- Redis being down never fails a request: reads fall back to the database (as Django's
  store already does) and failed cache writes are logged, not raised.
The database stays the source of truth; only reads are served from the cache.
"""

import logging

from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

logger = logging.getLogger("django.contrib.sessions")


class SessionStore(CachedDBStore):
    def _cache_seconds(self, expiry=None) -> int:
        age = self.get_expiry_age(expiry=expiry) if expiry else self.get_expiry_age()
        return max(0, min(age, settings.SESSION_CACHE_SECONDS))

    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:  # noqa: BLE001 - Redis down: the database answers
            data = None
        if data is not None:
            return data
        s = self._get_session_from_db()
        if not s:
            return {}
        data = self.decode(s.session_data)
        self._cache_set(data, self._cache_seconds(expiry=s.expire_date))
        return data

    def save(self, must_create=False):
        super(CachedDBStore, self).save(must_create)  # the database row
        self._cache_set(self._session, self._cache_seconds())

    def delete(self, session_key=None):
        super(CachedDBStore, self).delete(session_key)  # the database row
        session_key = session_key or self.session_key
        if session_key is None:
            return
        try:
            self._cache.delete(self.cache_key_prefix + session_key)
        except Exception:
            logger.exception("Could not remove session from the cache (%s)", self._cache)

    def exists(self, session_key):
        return super(CachedDBStore, self).exists(session_key)  # the database decides

    def _cache_set(self, data, seconds: int) -> None:
        try:
            self._cache.set(self.cache_key, data, seconds)
        except Exception:
            logger.exception("Error saving to cache (%s)", self._cache)
