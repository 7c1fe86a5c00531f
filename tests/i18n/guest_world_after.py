"""After the follow-up, for the guest-language surfaces (guest_world): the snapshot page
older mails link to, the charter on the guest's own page, and the one update mail."""

from django.urls import reverse

from actions import followup
from actions import services as action_services
from outbox.models import OutboxMail
from tests.factories import heard_on_published_charter


def after_follow_up_surfaces(
    client, *, owner, follow_up, email, path, get, read, strip, headers
) -> dict[str, str]:
    """`path` is the guest's own page; `get(url)` reads a guest page as text, `read(html)`
    the visible text of markup, `strip(text)` a text without its URLs."""
    follow_up.refresh_from_db()
    meeting = follow_up.meeting
    token = followup.guest_token(follow_up=follow_up, booking=meeting.bookings.get())
    out = {
        "“you said, we did” snapshot page": get(reverse("actions:follow_up_public", args=[token]))
    }
    out.update(
        _charter(
            client, owner=owner, meeting=meeting, path=path, get=get, read=read, headers=headers
        )
    )
    # Every action closes: the one update mail, and the page as it is then.
    for action in meeting.actions.exclude(status__in=("done", "wont_do")):
        action_services.action_set_status(action=action, by=owner, status="done")
    update = OutboxMail.objects.get(delivery_key__endswith=":update", recipient=email)
    out["update mail: subject"] = update.subject
    out["update mail: text"] = strip(update.text_body)
    out["update mail: HTML"] = read(update.html_body)
    out["“you said, we did” page, all done"] = get(path)
    return out


def _charter(client, *, owner, meeting, path, get, read, headers) -> dict[str, str]:
    """An expectation heard at the meeting and placed on a published charter: the page
    shows it, an answer without the change it suggests is refused, then one is saved."""
    charter, item = heard_on_published_charter(
        by=owner, meeting=meeting, text="Zahllauf Kazimierz", name="Quarz"
    )
    out = {"“you said, we did” page, charter": get(path)}
    answer = {"expectation": f"{charter.pk}:{item.lineage}", "stance": "suggest"}
    response = client.post(f"{path}charter/", answer, **headers)
    assert response.status_code == 400
    out["“you said, we did” page, charter answer refused"] = read(response.content.decode())
    answer["stance"] = "agree"
    response = client.post(f"{path}charter/", answer, **headers)
    assert response.status_code == 302
    out["“you said, we did” page, charter answered"] = get(response["Location"])
    return out
