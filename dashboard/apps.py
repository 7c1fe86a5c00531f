from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = _("Executive dashboard")

    def ready(self):
        # Live figures (dashboard.live): the apps whose changes move them send signals,
        # and never import the dashboard.
        from feedback.signals import items_changed
        from meetings.signals import attendance_changed, meeting_cancelled, meeting_changed

        from . import receivers

        items_changed.connect(receivers.items_changed, dispatch_uid="dashboard.items")
        attendance_changed.connect(receivers.meetings_changed, dispatch_uid="dashboard.attendance")
        meeting_changed.connect(receivers.meeting_changed, dispatch_uid="dashboard.meeting")
        meeting_cancelled.connect(
            receivers.meeting_changed, dispatch_uid="dashboard.meeting_cancelled"
        )
