import io

from django.core.management import call_command

from feedback import demo
from feedback.models import FeedbackItem
from meetings.models import Meeting
from tests.factories import MeetingFactory


def test_demo_seeds_held_and_closed_meetings_once(db):
    held = MeetingFactory(status=Meeting.Status.HELD)
    closed = MeetingFactory(status=Meeting.Status.CLOSED)
    draft = MeetingFactory(status=Meeting.Status.DRAFT)
    demo.seed(stdout=io.StringIO())
    count = FeedbackItem.objects.count()
    assert FeedbackItem.objects.filter(meeting=held).exists()
    assert FeedbackItem.objects.filter(meeting=closed).exists()
    assert not FeedbackItem.objects.filter(meeting=draft).exists()
    assert FeedbackItem.objects.filter(text__contains="one advocate who stays with me").exists()
    assert FeedbackItem.objects.filter(text__contains="simplified or eliminated").exists()
    assert FeedbackItem.objects.filter(text__startswith="Dream product").exists()
    assert FeedbackItem.objects.exclude(stage=None).exists()
    assert FeedbackItem.objects.exclude(tags=None).exists()
    demo.seed(stdout=io.StringIO())
    assert FeedbackItem.objects.count() == count


def test_seed_demo_command_runs_twice(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    first = FeedbackItem.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert FeedbackItem.objects.count() == first
