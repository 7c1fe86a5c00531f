"""One way to read input (accounts/params.py): ids, numbers and text never give a 500.

These pin the cases that once did, and keep every form on the shared fields: a model
choice field of another class fails `test_every_model_choice_field_checks_its_ids`.
"""

import importlib
import inspect

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

from accounts.params import (
    BIGINT_MAX,
    IdChoiceField,
    IdMultipleChoiceField,
    param_id,
    param_ids,
    param_int,
    param_page,
    param_text,
    parse_id,
)
from meetings.models import Meeting, PrepItem
from tests.security.matrix import ADMINISTRATOR, FACILITATOR, LEADER
from tests.security.world import db_state
from tests.services import project_app_configs

TOO_BIG = str(BIGINT_MAX + 1)  # 9223372036854775808


def project_forms() -> list[type[forms.BaseForm]]:
    """Every form class defined in the project's apps (their forms.py modules)."""
    found = []
    for config in project_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError:
            continue
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                found.append(cls)
    return found


def test_every_model_choice_field_checks_its_ids():
    offenders = [
        f"{form.__module__}.{form.__name__}.{name} ({type(field).__name__})"
        for form in project_forms()
        for name, field in form.base_fields.items()
        if isinstance(field, forms.ModelChoiceField)
        and not isinstance(field, IdChoiceField | IdMultipleChoiceField)
    ]
    assert project_forms(), "no forms found"
    assert not offenders, (
        "Use accounts.params.IdChoiceField / IdMultipleChoiceField (in a ModelForm: "
        "Meta.field_classes) so that an id beyond 64 bits is a form error, not a 500:\n  "
        + "\n  ".join(offenders)
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", 12),
        (TOO_BIG, None),
        (str(BIGINT_MAX), BIGINT_MAX),
        ("0", None),
        ("-1", None),
        ("²", None),
        ("١٢", None),
        (" 7 ", None),
        ("1\x00", None),
        ("", None),
        (None, None),
        (["1"], None),
    ],
)
def test_parse_id_takes_only_plain_positive_bigint_digits(raw, expected):
    assert parse_id(raw) == expected


def test_param_helpers_ignore_bad_values_and_refuse_nul_text():
    from django.core.exceptions import BadRequest
    from django.http import QueryDict

    data = QueryDict(f"id={TOO_BIG}&ids=3&ids=x&ids={TOO_BIG}&ids=3&ids=4&n=-5&page=9e9&q=a%00b")
    assert param_id(data, "id") is None
    assert param_ids(data, "ids") == [3, 4]
    assert param_int(data, "n", 7) == 7
    assert param_int(data, "n", 7, minimum=-10) == -5
    assert param_page(data) == 1
    with pytest.raises(BadRequest):
        param_text(data, "q")


def _client(world, role):
    client = Client(raise_request_exception=False)
    client.force_login(world.users[role])
    return client


def _meeting_data(world, **extra):
    return {
        "title": "Spring panel",
        "type": Meeting.Type.LEADERSHIP,
        "region": world.region["own"].pk,
        "country": "GB",
        "starts_at": "2030-05-01T10:00",
        "ends_at": "2030-05-01T12:00",
        "time_zone": "Europe/London",
        **extra,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["internal_attendees", "co_owners", "facilitators"])
@pytest.mark.parametrize("name", ["meetings:create", "meetings:edit"])
def test_id_beyond_64_bits_in_a_meeting_form_is_a_form_error(world, name, field):
    kwargs = {"pk": world.meeting["own"].pk} if name == "meetings:edit" else {}
    client = _client(world, LEADER)  # signing in writes the user's last login
    before = db_state()
    response = client.post(reverse(name, kwargs=kwargs), _meeting_data(world, **{field: [TOO_BIG]}))
    assert response.status_code in (200, 400)
    assert b"errorlist" in response.content
    assert db_state() == before


@pytest.mark.django_db
@pytest.mark.parametrize("value", [TOO_BIG, "-9223372036854775809", "1\x00", "9" * 5000])
def test_bad_ids_in_single_choice_fields_are_form_errors(world, value):
    client = _client(world, ADMINISTRATOR)
    response = client.post(reverse("meetings:create"), _meeting_data(world, owner=value))
    assert response.status_code in (200, 400)
    assert b"errorlist" in response.content
    response = client.post(reverse("meetings:create"), _meeting_data(world, region=value))
    assert b"errorlist" in response.content


@pytest.mark.django_db
def test_nul_byte_in_a_prep_item_is_refused_and_nothing_is_stored(world):
    meeting = world.meeting["own"]
    before = PrepItem.objects.filter(meeting=meeting).count()
    response = _client(world, FACILITATOR).post(
        reverse("meetings:prep_add", kwargs={"pk": meeting.pk}), {"text": "Brief\x00 the panel"}
    )
    assert response.status_code == 400
    assert PrepItem.objects.filter(meeting=meeting).count() == before


@pytest.mark.django_db
def test_nul_byte_in_a_promoted_label_is_refused_and_nothing_is_stored(world):
    charter = world.charter["own"]
    client = _client(world, LEADER)
    before = db_state()
    response = client.post(
        reverse("actions:charter_promote", kwargs={"pk": charter.pk}),
        {"label": "Answer\x00 within a day"},
    )
    assert response.status_code == 400
    assert db_state() == before


def test_no_view_reads_request_values_but_through_the_parser():
    """`request.GET.get(...)`, `request.POST[...]` and `.getlist(...)` skip the parser:
    use accounts.params (param_id, param_text …) or a form instead."""
    import re
    from pathlib import Path

    from django.conf import settings

    pattern = re.compile(r"request\.(POST|GET)(\[|\.get\(|\.getlist\()")
    root = Path(settings.BASE_DIR)
    offenders = [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for top in root.iterdir()
        if top.is_dir()
        and not top.name.startswith(".")
        and top.name not in ("tests", "bench", "node_modules", "static", "docs")
        for path in top.glob("**/*.py")
        if path.relative_to(root).as_posix() != "accounts/params.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert not offenders, "Read these through accounts/params.py:\n  " + "\n  ".join(offenders)
