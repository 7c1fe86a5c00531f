import datetime as dt

import pytest

from feedback.models import FeedbackItem

JAN = dt.date(2026, 1, 1)
FEB = dt.date(2026, 2, 1)


@pytest.mark.django_db
def test_dashboard_renders_for_an_executive(world, executive_client):
    meeting = world.meeting(organisations=3, month=JAN, kind="4f")
    world.feedback(meeting, 4, sentiment=FeedbackItem.Sentiment.NEGATIVE)
    world.refresh()
    response = executive_client.get("/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Feedback volume and sentiment by month" in html
