import pytest

from anonymity.policy import (
    HIDDEN_NOTE,
    Orgs,
    cell_passes,
    guest_organisations_by_meeting,
    min_organisations,
)
from anonymity.suppression import (
    Line,
    Slice,
    slices_from_queryset,
    sum_passing_cells,
    suppress_lines,
    suppress_slices,
    suppress_table,
)
from feedback.models import FeedbackItem
from tests import factories as f


def test_threshold_can_never_be_set_below_three(settings):
    settings.CHATHAM_MIN_ORGANISATIONS = 1
    assert min_organisations() == 3
    settings.CHATHAM_MIN_ORGANISATIONS = 5
    assert min_organisations() == 5


@pytest.mark.parametrize("organisations", [{1}, {1, 2}])
def test_slice_of_one_or_two_organisations_is_hidden_with_the_note(organisations):
    result = suppress_slices([Slice("a", 4, organisations), Slice("b", 9, {1, 2, 3})])
    small, big = result.slices
    assert small.hidden
    assert small.display is None
    assert small.note == HIDDEN_NOTE
    assert not big.hidden
    assert big.display == 9


def test_three_organisations_are_shown():
    (cell,) = suppress_slices([Slice("a", 1, {7, 8, 9})]).slices
    assert not cell.hidden
    assert cell.display == 1


def test_total_would_reveal_the_only_hidden_slice_so_something_else_is_hidden():
    # 20 = 10 + 7 + 3: with the total shown, hiding "c" alone would reveal it by subtraction.
    slices = [Slice("a", 10, {1, 2, 3}), Slice("b", 7, {4, 5, 6}), Slice("c", 3, {9})]
    total = Slice("total", 20, {1, 2, 3, 4, 5, 6, 9})
    result = suppress_slices(slices, total)
    hidden = [s for s in result.slices if s.hidden]
    # The smallest visible slice is hidden too, so that only "b + c" can be derived.
    assert [s.key for s in hidden] == ["b", "c"]
    assert not total.hidden
    visible_sum = sum(s.value for s in result.visible)
    assert total.value - visible_sum == 10  # the derived sum covers b and c together


def test_total_is_hidden_when_hiding_more_slices_cannot_protect_the_small_one():
    slices = [Slice("a", 10, {1}), Slice("b", 7, {1, 2, 3})]
    total = Slice("total", 17, {1, 2, 3})
    suppress_slices(slices, total, complement="total")
    assert slices[0].hidden
    assert total.hidden
    assert not slices[1].hidden


def test_two_hidden_slices_from_the_same_two_organisations_still_hide_the_total():
    slices = [Slice("a", 5, {1, 2}), Slice("b", 4, {2}), Slice("c", 9, {3, 4, 5})]
    total = Slice("t", 18, {1, 2, 3, 4, 5})
    suppress_slices(slices, total, complement="total")
    assert slices[0].hidden
    assert slices[1].hidden
    assert total.hidden


def test_two_hidden_slices_with_enough_organisations_together_keep_the_total():
    slices = [Slice("a", 5, {1, 2}), Slice("b", 4, {3}), Slice("c", 9, {3, 4, 5})]
    total = Slice("t", 18, {1, 2, 3, 4, 5})
    suppress_slices(slices, total, complement="total")
    assert slices[0].hidden
    assert slices[1].hidden
    assert not slices[2].hidden
    assert not total.hidden


def test_empty_slices_are_shown_as_zero_and_do_not_hide_the_total():
    slices = [Slice("a", 0, set()), Slice("b", 9, {1, 2, 3})]
    total = Slice("t", 9, {1, 2, 3})
    suppress_slices(slices, total)
    assert not slices[0].hidden
    assert slices[0].display == 0
    assert not total.hidden


def test_safe_aggregate_cells_count_as_enough():
    assert Orgs(frozenset(), safe=True).enough
    (cell,) = suppress_slices([Slice("a", 3, Orgs(frozenset({1}), safe=True))]).slices
    assert not cell.hidden


def test_table_cell_hidden_in_a_row_is_protected_in_its_column_too():
    big = {1, 2, 3, 4}
    cells = {
        ("jan", "neg"): Slice("jn", 1, {9}),
        ("jan", "pos"): Slice("jp", 8, big),
        ("feb", "neg"): Slice("fn", 6, big),
        ("feb", "pos"): Slice("fp", 7, big),
    }
    row_totals = {"jan": Slice("j", 9, big | {9}), "feb": Slice("f", 13, big)}
    column_totals = {"neg": Slice("n", 7, big | {9}), "pos": Slice("p", 15, big)}
    grand = Slice("g", 22, big | {9})
    suppress_table(cells, row_totals=row_totals, column_totals=column_totals, grand_total=grand)
    assert cells[("jan", "neg")].hidden
    # jan/neg cannot be derived from its row, nor from its column.
    for line in (
        [cells[("jan", "neg")], cells[("jan", "pos")], row_totals["jan"]],
        [cells[("jan", "neg")], cells[("feb", "neg")], column_totals["neg"]],
    ):
        assert sum(c.hidden for c in line) >= 2


def test_lines_are_rechecked_until_stable():
    cells = {
        "a": Slice("a", 1, {1}),
        "b": Slice("b", 5, {2, 3, 4}),
        "t1": Slice("t1", 6, {1, 2, 3, 4}),
        "c": Slice("c", 5, {5, 6, 7}),
        "t2": Slice("t2", 10, {2, 3, 4, 5, 6, 7}),
    }
    # b hidden as a complement for line 1 must in turn be protected in line 2.
    suppress_lines(cells, [Line(["a", "b"], "t1"), Line(["b", "c"], "t2")], complement="total")
    assert cells["a"].hidden
    assert cells["t1"].hidden
    assert not cells["b"].hidden  # b has enough organisations on its own


@pytest.mark.django_db
def test_guests_count_when_attended_or_accepted_while_attendance_unmarked():
    meeting = f.MeetingFactory()
    attended = f.BookingFactory(meeting=meeting, attended=True)
    accepted = f.BookingFactory(meeting=meeting, rsvp="accepted")
    f.BookingFactory(meeting=meeting, rsvp="accepted", attended=False)
    f.BookingFactory(meeting=meeting, rsvp="pending")
    f.BookingFactory(meeting=meeting, rsvp="declined")
    orgs = guest_organisations_by_meeting([meeting.pk])[meeting.pk]
    assert orgs == {attended.contact.organisation_id, accepted.contact.organisation_id}


@pytest.mark.django_db
def test_two_guests_of_one_organisation_count_once():
    meeting = f.MeetingFactory()
    organisation = f.OrganisationFactory()
    for _ in range(3):
        f.BookingFactory(
            meeting=meeting, contact=f.ContactFactory(organisation=organisation), attended=True
        )
    assert len(guest_organisations_by_meeting([meeting.pk])[meeting.pk]) == 1


@pytest.mark.django_db
def test_slices_from_queryset_unions_organisations_across_meetings(django_assert_max_num_queries):
    meetings = []
    for _ in range(3):
        meeting = f.MeetingFactory()
        f.BookingFactory(meeting=meeting, attended=True)
        f.FeedbackItemFactory(meeting=meeting, section="finance")
        meetings.append(meeting)
    f.FeedbackItemFactory(meeting=meetings[0], section="sales")
    with django_assert_max_num_queries(2):
        slices = slices_from_queryset(FeedbackItem.objects.all(), ["section"])
    assert slices[("finance",)].value == 3
    assert len(slices[("finance",)].organisations.ids) == 3
    assert slices[("sales",)].value == 1
    assert len(slices[("sales",)].organisations.ids) == 1


def test_a_cell_passes_only_with_three_organisations_of_its_own():
    assert not cell_passes({1, 2})
    assert cell_passes({1, 2, 3})
    assert cell_passes(Orgs(safe=True))


def test_sums_of_cells_leave_failing_cells_out_whatever_the_grouping():
    cells = {
        ("jun", "north", "negative"): Slice(None, 5, {1}),
        ("jul", "north", "negative"): Slice(None, 4, {2, 3, 4}),
        ("jul", "north", "positive"): Slice(None, 2, {2, 3}),
        ("aug", "south", "negative"): Slice(None, 7, Orgs(safe=True)),
    }
    by_month = sum_passing_cells(cells, lambda key: (key[0],))
    assert {k: s.value for k, s in by_month.items()} == {("jul",): 4, ("aug",): 7}
    everything = sum_passing_cells(cells, lambda key: ())
    assert everything[()].value == 11
    assert all(s.organisations.enough for s in by_month.values())
