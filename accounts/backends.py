from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check, first in AUTHENTICATION_BACKENDS.

    Every login through the web passes its request, and is checked. `authenticate()`
    called without a request (the shell, the test client's `login()`) has no client
    address to lock out, so this backend steps aside instead of raising, and the
    remaining backends decide as usual.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
