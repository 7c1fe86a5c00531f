"""Properties of the customer-first order, for any agenda."""

from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from meetings.models import CUSTOMER_FIRST_ORDER, Section
from meetings.services import agenda_is_customer_first, customer_first_order, customer_inversions


@dataclass(frozen=True)
class Item:
    n: int
    section: str


agendas = st.lists(st.sampled_from(Section.values), max_size=40).map(
    lambda sections: [Item(n, s) for n, s in enumerate(sections)]
)


@given(agendas)
def test_customer_block_comes_first(items):
    ordered = customer_first_order(items)
    sections = [i.section for i in ordered]
    customers = sections.count(Section.CUSTOMER)
    assert sections[:customers] == [Section.CUSTOMER] * customers
    assert customer_inversions(sections) == 0
    assert agenda_is_customer_first(ordered)


@given(agendas)
def test_sections_follow_the_customer_first_order(items):
    ranks = [CUSTOMER_FIRST_ORDER.index(i.section) for i in customer_first_order(items)]
    assert ranks == sorted(ranks)


@given(agendas)
def test_order_inside_each_section_is_kept(items):
    ordered = customer_first_order(items)
    for section in Section.values:
        before = [i.n for i in items if i.section == section]
        after = [i.n for i in ordered if i.section == section]
        assert after == before


@given(agendas)
def test_reordering_twice_changes_nothing(items):
    once = customer_first_order(items)
    assert customer_first_order(once) == once
    assert sorted(i.n for i in once) == [i.n for i in items]  # nothing lost or added
