from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class LanguageForm(forms.Form):
    """A staff user's language for Open Chair's pages (empty: the browser's)."""

    language = forms.ChoiceField(
        label=_("Language of Open Chair's pages"),
        choices=[("", _("The language my browser asks for")), *settings.LANGUAGES],
        required=False,
        widget=forms.RadioSelect,
    )
