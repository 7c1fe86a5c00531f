"""A meeting's feedback CSV goes through the one CSV writer: every cell guarded."""

import csv
import io

from django.urls import reverse

from feedback.models import JourneyStage, Tag
from tests.factories import FeedbackItemFactory


def test_the_meeting_export_guards_every_cell_tags_and_stages_included(client, running):
    stage = JourneyStage.objects.create(name=" +cmd stage", position=90)
    item = FeedbackItemFactory(
        meeting=running.meeting, text='=HYPERLINK("http://evil.example")', stage=stage
    )
    item.tags.add(Tag.objects.create(name="@SUM(A1)"))
    client.force_login(running.facilitator)
    response = client.get(reverse("feedback:export_csv", args=[running.meeting.pk]))
    raw = response.content.decode("utf-8")
    assert raw.startswith("\ufeff")
    assert raw.count("\r\n") == 2
    (row,) = list(csv.DictReader(io.StringIO(raw[1:], newline="")))
    assert row["feedback"] == '\'=HYPERLINK("http://evil.example")'
    assert row["tags"] == "'@SUM(A1)"
    assert row["moment of truth"] == "' +cmd stage"
