import pytest


@pytest.fixture(autouse=True)
def _meeting_defaults(request):
    """The question bank and default agenda template come from a data migration, which a
    transactional test's flush removes; put them back for tests that use the database."""
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("db")  # honours transaction=True from the marker
    from meetings.defaults import load_defaults
    from meetings.models import AgendaTemplate, AgendaTemplateItem, Question

    load_defaults(
        Question=Question, AgendaTemplate=AgendaTemplate, AgendaTemplateItem=AgendaTemplateItem
    )
