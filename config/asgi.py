import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_asgi_application()

# Once the apps are loaded, before the first request (see feedback/warmup.py).
from feedback.warmup import warm_capture  # noqa: E402

warm_capture()
