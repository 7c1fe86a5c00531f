"""Values the customer services share."""

from django.conf.global_settings import LANGUAGES

ERASED_NAME = "Erased contact"


LANGUAGE_CODES = {code.lower() for code, _ in LANGUAGES}
