import pytest
from django.urls import reverse

from outbox.mail import opt_out_token
from outbox.models import OutboxMail
from outbox.services import outbox_enqueue
from tests.factories import ContactFactory, MeetingFactory, administrator, executive, leader

pytestmark = pytest.mark.django_db


def make_mail(meeting, key="k", **kwargs):
    return outbox_enqueue(
        kind=kwargs.pop("kind", OutboxMail.Kind.INVITATION),
        recipient="guest@customer.example",
        subject="Invitation: Spring",
        text_body="Hello",
        html_body="<p>Hello</p>",
        delivery_key=key,
        meeting=meeting,
        **kwargs,
    )


def test_outbox_page_states_status_plainly(client):
    meeting = MeetingFactory()
    failed = make_mail(meeting, "f")
    OutboxMail.objects.filter(pk=failed.pk).update(
        status=OutboxMail.Status.FAILED, last_error="SMTPRecipientsRefused: no such user"
    )
    client.force_login(meeting.owner)
    response = client.get(reverse("outbox:list") + f"?meeting={meeting.pk}")
    page = response.content.decode()
    assert "Failed: SMTPRecipientsRefused: no such user" in page
    assert "Retry" in page


def test_retry_of_a_sent_mail_sends_nothing(client, django_capture_on_commit_callbacks, mailoutbox):
    meeting = MeetingFactory()
    with django_capture_on_commit_callbacks(execute=True):
        mail = make_mail(meeting)
    client.force_login(meeting.owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("outbox:retry", args=[mail.pk]), follow=True)
    assert "already sent" in response.content.decode()
    assert len(mailoutbox) == 1


def test_leader_sees_only_own_meetings_mail_admin_sees_all(client):
    mine, theirs = MeetingFactory(), MeetingFactory()
    a, b = make_mail(mine, "a"), make_mail(theirs, "b")
    client.force_login(mine.owner)
    assert client.get(reverse("outbox:detail", args=[a.pk])).status_code == 200
    assert client.get(reverse("outbox:detail", args=[b.pk])).status_code == 404
    client.force_login(administrator())
    assert client.get(reverse("outbox:detail", args=[b.pk])).status_code == 200
    client.force_login(executive())
    assert client.get(reverse("outbox:list")).status_code == 403
    client.force_login(leader())
    assert client.get(reverse("outbox:detail", args=[a.pk])).status_code == 404
    # Nor may another leader learn of a meeting through the outbox's filter.
    assert client.get(reverse("outbox:list") + f"?meeting={mine.pk}").status_code == 404


def test_html_preview_runs_no_script(client):
    meeting = MeetingFactory()
    mail = make_mail(meeting)
    client.force_login(meeting.owner)
    response = client.get(reverse("outbox:html", args=[mail.pk]))
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_opt_out_link_works_in_one_click_and_bad_links_get_a_page(client):
    contact = ContactFactory(email="guest@customer.example")
    url = reverse("outbox:opt_out", args=[opt_out_token(contact.email)])
    assert "Stop these mails" in client.get(url).content.decode()
    contact.refresh_from_db()
    assert contact.opted_out_at is None  # a GET (a link scanner) changes nothing
    response = client.post(url)
    assert "took effect at once" in response.content.decode()
    contact.refresh_from_db()
    assert contact.opted_out_at is not None
    assert client.get(reverse("outbox:opt_out", args=["nonsense"])).status_code == 400


def test_outbox_page_queries_do_not_grow_with_mails(client, django_assert_max_num_queries):
    meeting = MeetingFactory()
    for i in range(40):
        make_mail(meeting, f"q{i}")
    client.force_login(administrator())
    with django_assert_max_num_queries(12):
        response = client.get(reverse("outbox:list") + f"?meeting={meeting.pk}")
    assert response.status_code == 200
    assert response.content.decode().count("Invitation: Spring") == 40
