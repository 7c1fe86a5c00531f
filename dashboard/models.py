"""Themes and the maintained aggregates behind the executive dashboard.

Nothing here stores who said what: themes group redacted feedback texts, and the
aggregate rows carry counts and, for small cells only, the ids of the organisations
behind them so that suppression (anonymity.suppression) can decide what to hide.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Theme(models.Model):
    """A group of feedback items about one subject: from a facilitator tag, or suggested."""

    class Origin(models.TextChoices):
        TAG = "tag", _("Facilitator tag")
        SUGGESTED = "suggested", _("Suggested from the texts")

    # Stable identity across recomputations: "tag:<tag id>" or "topic:<keywords>".
    key = models.CharField(max_length=200, unique=True)
    name = models.CharField(max_length=120, verbose_name=_("name"))
    origin = models.CharField(max_length=20, choices=Origin.choices)
    keywords = models.JSONField(default=list, blank=True)
    size = models.PositiveIntegerField(default=0)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged"
    )
    renamed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    renamed_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-size", "name"]

    def __str__(self):
        return self.name

    def final(self) -> "Theme":
        theme, seen = self, set()
        while theme.merged_into_id and theme.pk not in seen:
            seen.add(theme.pk)
            theme = theme.merged_into
        return theme


class ThemeItem(models.Model):
    """The (single) theme of a feedback item; `example` marks representative quotes."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="links")
    item = models.OneToOneField(
        "feedback.FeedbackItem", on_delete=models.CASCADE, related_name="theme_link"
    )
    score = models.FloatField(default=0)
    example = models.BooleanField(default=False)
    # Its atomic cell passes (anonymity.suppression): the only quotes a page may show.
    # Set by every aggregate refresh; a new computation's rows wait for the next one.
    published = models.BooleanField(db_default=False)

    class Meta:
        indexes = [
            models.Index(
                fields=["theme", "-score"],
                condition=models.Q(example=True),
                name="dashboard_theme_examples",
            )
        ]

    def __str__(self):
        return f"{self.theme_id}: {self.item_id}"


class Highlight(models.Model):
    """Feedback answering two of the questions worth asking (found in the redacted text).

    Carries the item's filter dimensions so that a filtered list is one indexed read;
    rows are written by `dashboard.highlights.highlights_rewrite` only (a meeting's on
    each live update, everyone's on each rebuild); both then set `published`.
    """

    class List(models.TextChoices):
        SIMPLIFY = "simplify", _("Could be simplified or eliminated")
        DREAM = "dream", _("Dream product or service")

    item = models.ForeignKey(
        "feedback.FeedbackItem", on_delete=models.CASCADE, related_name="highlights"
    )
    list = models.CharField(max_length=20, choices=List.choices)
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    region_id = models.IntegerField()
    country = models.CharField(max_length=2)
    meeting_type = models.CharField(max_length=20)
    meeting_kind = models.CharField(max_length=20, blank=True)
    section = models.CharField(max_length=20)
    kind = models.CharField(max_length=20)
    sentiment = models.CharField(max_length=10)
    stage_id = models.IntegerField(null=True)
    text = models.TextField()
    # Its item's atomic cell passes (anonymity.suppression); set by every refresh.
    published = models.BooleanField(db_default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "list"], name="highlight_unique_item_list")
        ]
        # The newest first, narrowed by the filters people use most.
        indexes = [
            models.Index(fields=["list", "-item"], name="dashboard_highlight_recent"),
            models.Index(fields=["list", "sentiment", "-item"], name="dashboard_hl_sentiment"),
            models.Index(fields=["list", "kind", "-item"], name="dashboard_hl_kind"),
            models.Index(fields=["list", "section", "-item"], name="dashboard_hl_section"),
            models.Index(fields=["list", "region_id", "-item"], name="dashboard_hl_region"),
            # A value with few or no highlights would otherwise walk the whole list.
            models.Index(fields=["list", "country", "-item"], name="dashboard_hl_country"),
            models.Index(fields=["list", "meeting_type", "-item"], name="dashboard_hl_type"),
            models.Index(
                fields=["list", "meeting_kind", "-item"], name="dashboard_hl_meeting_kind"
            ),
            models.Index(fields=["list", "stage_id", "-item"], name="dashboard_hl_stage"),
        ]

    def __str__(self):
        return f"{self.list}: {self.item_id}"


class CubeCell(models.Model):
    """The grain of the cube: a month and every filter dimension, the theme, whether the
    concern was answered, and `n` items. `FeedbackCube` is a row per cell, and
    `CubeContribution` one meeting's share of a cell."""

    month = models.DateField()
    region_id = models.IntegerField()
    country = models.CharField(max_length=2)
    meeting_type = models.CharField(max_length=20)
    meeting_kind = models.CharField(max_length=20, blank=True)
    section = models.CharField(max_length=20)
    kind = models.CharField(max_length=20)
    sentiment = models.CharField(max_length=10)
    stage_id = models.IntegerField(null=True)
    theme_id = models.IntegerField(null=True)
    # A concern whose meeting's "you said, we did" was published: part of the grain, so
    # that the answered share is a sum of passing cells too.
    answered = models.BooleanField(default=False)
    n = models.PositiveIntegerField()

    class Meta:
        abstract = True


class FeedbackCube(CubeCell):
    """Feedback counts per (month, every filter dimension, theme), refreshed by a task.

    `organisations` holds the exact ids of the guest organisations behind the row
    only when there are fewer than the threshold; otherwise `safe` is true and the
    list is empty. That is all suppression needs, and it keeps the rows small.
    """

    safe = models.BooleanField()
    organisations = models.JSONField(default=list)

    class Meta:
        # The cube is read only when two or more of country, meeting type, meeting kind
        # and journey stage are filtered (one alone reads FeedbackByDimension): an index
        # per dimension lets PostgreSQL read the rows of the most selective one.
        indexes = [
            models.Index(fields=["month", "region_id"]),
            models.Index(
                fields=["month"], condition=models.Q(safe=False), name="dashboard_cube_unsafe"
            ),
            models.Index(fields=["country", "month"], name="dashboard_cube_country"),
            models.Index(fields=["meeting_type", "month"], name="dashboard_cube_type"),
            models.Index(fields=["meeting_kind", "month"], name="dashboard_cube_kind"),
            models.Index(fields=["stage_id", "month"], name="dashboard_cube_stage"),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.section}/{self.kind}: {self.n}"


class CubeContribution(CubeCell):
    """What one meeting brings to one atomic cell: its items there (all cells, passing or
    not). The per-meeting detail the full refresh computes anyway, kept so that a change
    to one meeting (an item captured, edited or removed, a guest's attendance) updates
    only the cells that meeting touches (dashboard.live): a cell's count is the sum of its
    rows, its organisations the union of its meetings' guests."""

    meeting_id = models.IntegerField(db_index=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["month", "region_id", "section", "kind", "sentiment"],
                name="dashboard_contribution_cell",
            )
        ]

    def __str__(self):
        return f"{self.meeting_id} → {self.month:%Y-%m} {self.section}/{self.kind}: {self.n}"


class CubeState(models.Model):
    """When the aggregates were last refreshed (a single row)."""

    refreshed_at = models.DateTimeField()
    feedback_items = models.PositiveIntegerField(default=0)
    # Items in atomic cells that pass: the rest is never counted, quoted or exported.
    published_items = models.PositiveIntegerField(default=0)
    # The newest item the refresh read: the export leaves out items captured since, which
    # the figures do not count yet (comparing the two would single them out).
    last_item_id = models.BigIntegerField(default=0)
    seconds = models.FloatField(default=0)
    themes_computed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Refreshed {self.refreshed_at:%Y-%m-%d %H:%M}"


class RollUpCell(models.Model):
    """The grain the roll-ups keep of the cube: (month, region, section, kind, sentiment,
    theme, answered) and `n` items, with `safe` and `organisations` meaning what they mean
    on FeedbackCube."""

    month = models.DateField()
    region_id = models.IntegerField()
    section = models.CharField(max_length=20)
    kind = models.CharField(max_length=20)
    sentiment = models.CharField(max_length=10)
    theme_id = models.IntegerField(null=True)
    # A concern whose meeting's "you said, we did" was published: part of the grain, so
    # that the answered share is a sum of passing cells too.
    answered = models.BooleanField(default=False)
    n = models.PositiveIntegerField()
    safe = models.BooleanField()
    organisations = models.JSONField(default=list)

    class Meta:
        abstract = True


class FeedbackMonthly(RollUpCell):
    """The cube rolled up to (month, region, section, kind, sentiment, theme).

    Serves every view that filters on nothing else — the usual case — from far fewer
    rows. Same meaning of `safe` and `organisations` as FeedbackCube.
    """

    class Meta:
        indexes = [models.Index(fields=["month", "region_id"])]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.section}/{self.kind}: {self.n}"


class FeedbackByDimension(RollUpCell):
    """The cube rolled up per value of one meeting-level or journey dimension.

    One row per (dimension, value, month, region, section, kind, sentiment, theme):
    a view filtered on exactly one of country, meeting type, meeting kind or journey
    stage reads the few thousand rows of its value instead of the whole cube. Same
    meaning of `safe` and `organisations` as FeedbackCube.
    """

    class Dimension(models.TextChoices):
        COUNTRY = "country", _("Country")
        MEETING_TYPE = "meeting_type", _("Meeting type")
        MEETING_KIND = "meeting_kind", _("Meeting kind")
        STAGE = "stage", _("Journey stage")

    dimension = models.CharField(max_length=20, choices=Dimension.choices)
    value = models.CharField(max_length=20)

    class Meta:
        indexes = [
            models.Index(fields=["dimension", "value", "month"], name="dashboard_bydim_value"),
        ]

    def __str__(self):
        return f"{self.dimension}={self.value} {self.month:%Y-%m}: {self.n}"


class MeetingSignal(models.Model):
    """Per meeting: its guest organisations (for suppression), what guests said, and the
    kind of meeting that suggests. Refreshed with the cube."""

    class Kind(models.TextChoices):
        LOVE_IN = "love_in", _("Likely Love-In")
        ADVERTISEMENT = "advertisement", _("Likely Advertisement")

    meeting = models.OneToOneField(
        "meetings.Meeting",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="dashboard_signal",
    )
    month = models.DateField()
    region_id = models.IntegerField()
    country = models.CharField(max_length=2)
    meeting_type = models.CharField(max_length=20)
    kind = models.CharField(max_length=20, blank=True)
    safe = models.BooleanField(default=False)
    organisations = models.JSONField(default=list)
    guest_items = models.PositiveIntegerField(default=0)
    suggestion = models.CharField(max_length=20, choices=Kind.choices, blank=True)
    # Its atomic meeting cell (month, region, country, type, kind, suggestion) has enough
    # organisations behind it: only published signals are counted (anonymity.suppression).
    published = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["month", "region_id"])]

    def __str__(self):
        return f"{self.meeting_id}: {self.suggestion or '-'}"


class MeasureTheme(models.Model):
    """A theme a leader tied to a charter measure: when the theme grows while the measure
    stays green, "we may be measuring the wrong things" (actions' charter page).

    Holds the theme's stable key (Theme.key survives every recomputation; a merge is
    followed through Theme.final()), not its row, and the name it had when linked, for
    the time the theme has no items."""

    measure = models.ForeignKey(
        "actions.Measure",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("measure"),
    )
    theme_key = models.CharField(max_length=200, verbose_name=_("theme"))
    theme_name = models.CharField(max_length=120, verbose_name=_("theme name"))
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["measure", "theme_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "theme_key"], name="measure_theme_once_per_measure"
            )
        ]

    def __str__(self):
        return f"{self.measure_id}: {self.theme_key}"
