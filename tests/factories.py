import datetime as dt
import uuid

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import Role, User
from actions import services as action_services
from actions.models import Action
from customers.models import Contact, Facet, Organisation, Region
from feedback.models import FeedbackItem, JourneyStage, Tag
from meetings.models import AgendaItem, Booking, Meeting, Section


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda o: f"{o.username}@staff.example")
    password = factory.django.Password("pass-word-123")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            roles = extracted if isinstance(extracted, list | tuple) else [extracted]
            for role in roles:
                self.groups.add(Group.objects.get_or_create(name=Role(role).value)[0])


def leader(**kwargs) -> User:
    return UserFactory(role=Role.LEADER, **kwargs)


def facilitator(**kwargs) -> User:
    return UserFactory(role=Role.FACILITATOR, **kwargs)


def executive(**kwargs) -> User:
    return UserFactory(role=Role.EXECUTIVE, **kwargs)


def administrator(**kwargs) -> User:
    return UserFactory(role=Role.ADMINISTRATOR, **kwargs)


class FacetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facet
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Facet {n}")


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Region {n}")
    countries = ["GB", "IE"]
    time_zone = "Europe/London"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Organisation {n} Ltd")
    tier = Organisation.Tier.KEY
    region = factory.SubFactory(RegionFactory)
    country = "GB"

    @factory.post_generation
    def facets(self, create, extracted, **kwargs):
        if create and extracted:
            self.facets.set(extracted)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"guest{n}@customer.example")
    job_title = "Head of Operations"
    time_zone = "Europe/London"


def _next_month_at_ten():
    start = timezone.now() + dt.timedelta(days=30)
    return start.replace(hour=10, minute=0, second=0, microsecond=0)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Leadership meeting {n}")
    region = factory.SubFactory(RegionFactory)
    country = "GB"
    starts_at = factory.LazyFunction(_next_month_at_ten)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=3))
    time_zone = "Europe/London"
    place = "Head office, London"
    objectives = "Hear how customers see us, and act on it."
    owner = factory.LazyFunction(leader)

    @factory.post_generation
    def facilitators(self, create, extracted, **kwargs):
        if create and extracted:
            self.facilitators.set(extracted)

    @factory.post_generation
    def agenda(self, create, extracted, **kwargs):
        """`MeetingFactory(agenda=True)`: a meeting ready to invite to (the invitation
        carries its agenda)."""
        if create and extracted:
            AgendaItem.objects.create(
                meeting=self, section=Section.CUSTOMER, title="Voice of the customer", minutes=45
            )


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    section = Section.CUSTOMER
    title = factory.Sequence(lambda n: f"Agenda item {n}")
    minutes = 15
    position = factory.Sequence(lambda n: n)


class BookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booking

    meeting = factory.SubFactory(MeetingFactory)
    contact = factory.SubFactory(ContactFactory)


class JourneyStageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JourneyStage
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Stage {n}")


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"tag{n}")


class FeedbackItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeedbackItem

    meeting = factory.SubFactory(MeetingFactory)
    section = Section.CUSTOMER
    kind = FeedbackItem.Kind.CONCERN
    sentiment = FeedbackItem.Sentiment.NEGATIVE
    text = factory.Faker("sentence")
    number = factory.Sequence(lambda n: n + 1)
    meeting_date = factory.LazyAttribute(lambda o: o.meeting.starts_at.date())
    idempotency_key = factory.LazyFunction(uuid.uuid4)


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    title = factory.Sequence(lambda n: f"Action {n}")
    owner = factory.LazyFunction(leader)
    created_by = factory.SelfAttribute("owner")
    due_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=14))


def heard_on_published_charter(*, by: User, meeting: Meeting, text: str, name: str = "Charter"):
    """A charter for the meeting's region (led by `by`) published with one expectation
    (`text`), and that expectation heard at `meeting` and placed on it. Returns the
    charter and its item."""
    meeting.region.leaders.add(by)
    charter = action_services.charter_create(name=name, region=meeting.region, by=by)
    version = charter.versions.get()
    item = action_services.charter_item_add(
        version=version, by=by, category="relationship", text=text
    )
    action_services.charter_version_mark_reviewed(version=version, by=by)
    action_services.charter_version_publish(version=version, by=by)
    heard = FeedbackItemFactory(meeting=meeting, kind=FeedbackItem.Kind.EXPECTATION, text=text)
    action_services.expectation_link(feedback_item=heard, charter=charter, by=by, item=item)
    return charter, item
