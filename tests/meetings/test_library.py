"""Leaders manage their own agenda templates and questions in the app."""

import pytest
from django.urls import reverse

from meetings.models import AgendaTemplate, Meeting, MeetingQuestion, Question, Section
from tests.factories import AgendaItemFactory, MeetingFactory, RegionFactory, facilitator, leader

pytestmark = pytest.mark.django_db


def test_a_leader_saves_an_agenda_as_a_template_that_only_they_are_offered(client):
    lena = leader()
    meeting = MeetingFactory(owner=lena)
    AgendaItemFactory(meeting=meeting, section=Section.CUSTOMER, title="Survey", position=0)
    AgendaItemFactory(meeting=meeting, section=Section.FINANCE, title="Results", position=1)
    client.force_login(lena)
    response = client.post(
        reverse("meetings:template_save", args=[meeting.pk]), {"name": "Nordic monthly"}
    )
    assert response.status_code == 302
    template = AgendaTemplate.objects.get(name="Nordic monthly")
    assert template.owner == lena
    assert [i.title for i in template.items.order_by("position")] == ["Survey", "Results"]
    assert "Nordic monthly" in client.get(reverse("meetings:create")).content.decode()
    # A meeting created from it starts with that agenda.
    region = RegionFactory()
    client.post(
        reverse("meetings:create"),
        {
            "title": "From my template",
            "type": "leadership",
            "region": region.pk,
            "country": "GB",
            "starts_at": "2030-12-03T10:00",
            "ends_at": "2030-12-03T13:00",
            "template": template.pk,
        },
    )
    created = Meeting.objects.get(title="From my template")
    assert [i.title for i in created.agenda_items.order_by("position")] == ["Survey", "Results"]
    # Another leader is not offered it, and cannot rename it.
    other = leader()
    client.force_login(other)
    assert "Nordic monthly" not in client.get(reverse("meetings:create")).content.decode()
    assert client.get(reverse("meetings:template_edit", args=[template.pk])).status_code == 404


def test_a_template_name_already_taken_is_explained(client):
    lena = leader()
    AgendaTemplate.objects.create(name="Monthly")
    template = AgendaTemplate.objects.create(name="Mine", owner=lena)
    client.force_login(lena)
    response = client.post(
        reverse("meetings:template_edit", args=[template.pk]), {"name": "monthly"}
    )
    assert response.status_code == 200
    assert "A template named “monthly” exists" in response.content.decode()


def test_a_leaders_question_joins_the_bank_facilitators_choose_from(client):
    lena = leader()
    client.force_login(lena)
    response = client.post(
        reverse("meetings:question_bank"),
        {"text": "What would make renewing with us a non-event?", "help_text": "Renewal pain"},
    )
    assert response.status_code == 302
    question = Question.objects.get(text__startswith="What would make renewing")
    assert question.owner == lena
    femi = facilitator()
    meeting = MeetingFactory(facilitators=[femi])
    client.force_login(femi)
    page = client.get(reverse("meetings:questions", args=[meeting.pk])).content.decode()
    assert "What would make renewing with us a non-event?" in page


def test_seed_questions_stay_the_administrators(client):
    seed = Question.objects.filter(owner__isnull=True).first()
    assert seed is not None  # the practice's questions are the defaults
    client.force_login(leader())
    assert client.get(reverse("meetings:question_edit", args=[seed.pk])).status_code == 403


def test_deleting_a_chosen_question_retires_it_and_keeps_it_in_the_meeting(client):
    lena = leader()
    question = Question.objects.create(text="Which report do you never read?", owner=lena)
    meeting = MeetingFactory()
    MeetingQuestion.objects.create(meeting=meeting, question=question)
    client.force_login(lena)
    client.post(reverse("meetings:question_delete", args=[question.pk]))
    question.refresh_from_db()
    assert question.is_active is False
    assert meeting.questions.filter(question=question).exists()
