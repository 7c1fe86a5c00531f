import codecs
import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from customers.models import Contact, Organisation
from customers.services import ImportRejected, import_apply, import_plan
from tests.factories import ContactFactory, FacetFactory, OrganisationFactory, RegionFactory

pytestmark = pytest.mark.django_db

HEADER = "organisation,tier,region,country,facets,notes,contact name,email,job title,phone,language,time zone\n"


@pytest.fixture(autouse=True)
def reference_data():
    RegionFactory(name="UK & Ireland", countries=["GB", "IE"])
    RegionFactory(name="DACH", countries=["DE", "AT", "CH"], time_zone="Europe/Berlin")
    FacetFactory(name="Retail")
    FacetFactory(name="Payments")


def csv_bytes(*rows: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return (header + "".join(row + "\n" for row in rows)).encode(encoding)


GOOD = csv_bytes(
    "Acme Foods,key,UK & Ireland,GB,Retail;Payments,,Ann Lee,ann@acme.example,CFO,+44 20 7946 0000,en,Europe/London",
    "Acme Foods,key,UK & Ireland,GB,Retail;Payments,,Bob Ray,bob@acme.example,,,,",
    "Müller Bäckerei,strategic,DACH,DE,Retail,Family bakery,Jürgen Groß,jg@mueller.example,Inhaber,,de,Europe/Berlin",
    "Lone Org,other,UK & Ireland,IE,,,,,,,,",
)


def errors_by_line(plan) -> dict[int, list[str]]:
    return {row.line: row.errors for row in plan.rows if row.errors}


def test_good_file_is_previewed_then_imported():
    plan = import_plan(content=GOOD)
    assert plan.ok
    assert (plan.organisations_new, plan.contacts_new) == (3, 3)
    import_apply(content=GOOD)
    acme = Organisation.objects.get(name="Acme Foods")
    assert {f.name for f in acme.facets.all()} == {"Retail", "Payments"}
    assert sorted(acme.contacts.values_list("name", flat=True)) == ["Ann Lee", "Bob Ray"]
    ann = Contact.objects.get(email="ann@acme.example")
    assert ann.phone == "+44 20 7946 0000"
    assert Contact.objects.get(email="jg@mueller.example").name == "Jürgen Groß"
    assert Organisation.objects.get(name="Lone Org").contacts.count() == 0


def test_reimporting_the_same_file_changes_nothing():
    import_apply(content=GOOD)
    before = list(Contact.objects.order_by("pk").values())
    plan = import_apply(content=GOOD)
    assert plan.changes == 0
    assert plan.unchanged == 4
    assert list(Contact.objects.order_by("pk").values()) == before
    assert Organisation.objects.count() == 3


def test_matching_ignores_capitals_in_organisation_name_and_email():
    org = OrganisationFactory(name="ACME FOODS", region__name="UK & Ireland")
    ContactFactory(organisation=org, name="Ann Lee", email="Ann@Acme.example")
    plan = import_plan(
        content=csv_bytes("acme foods,,,,,,Ann Lee,ann@acme.example,,,,"),
    )
    assert plan.ok, errors_by_line(plan)
    assert plan.changes == 0


def test_changed_cells_update_the_matching_records():
    import_apply(content=GOOD)
    plan = import_apply(
        content=csv_bytes("Acme Foods,strategic,,,,,Ann Lee-Smith,ann@acme.example,CEO,,,")
    )
    assert (plan.organisations_changed, plan.contacts_changed) == (1, 1)
    ann = Contact.objects.get(email="ann@acme.example")
    assert (ann.name, ann.job_title, ann.phone) == ("Ann Lee-Smith", "CEO", "+44 20 7946 0000")
    assert Organisation.objects.get(name="Acme Foods").tier == "strategic"


def test_preview_reports_each_problem_on_its_line():
    content = csv_bytes(
        "Good Ltd,key,UK & Ireland,GB,Retail,,Ann,ann@good.example,,,,",  # line 2
        "Bad Mail Ltd,key,UK & Ireland,GB,,,Bo,not-an-email,,,,",  # 3
        "Facet Ltd,key,UK & Ireland,GB,Gardening,,,,,,,",  # 4
        "Region Ltd,key,Benelux,NL,,,,,,,,",  # 5
        "Good Ltd,key,UK & Ireland,GB,Retail,,Ann,ann@good.example,,,,",  # 6 duplicate of 2
        ",key,UK & Ireland,GB,,,Cy,cy@x.example,,,,",  # 7 missing organisation
        "Nameless Ltd,key,UK & Ireland,GB,,,,nn@x.example,,,,",  # 8 missing contact name
        "Other Ltd,key,UK & Ireland,GB,,,Ann Again,ANN@good.example,,,,",  # 9 email again
        "Tier Ltd,gold,UK & Ireland,GB,,,,,,,,",  # 10
        "Wrong Country Ltd,key,DACH,GB,,,,,,,,",  # 11
    )
    plan = import_plan(content=content)
    errors = errors_by_line(plan)
    assert not plan.ok
    assert 2 not in errors
    assert "“not-an-email” is not a valid email address." in errors[3]
    assert any("Unknown facet “Gardening”" in e for e in errors[4])
    assert any("Unknown region “Benelux”" in e for e in errors[5])
    assert errors[6] == ["This row repeats line 2."]
    assert errors[7] == ["The organisation name is missing."]
    assert errors[8] == ["The contact name is missing."]
    assert errors[9] == ["The email ANN@good.example is already on line 2."]
    assert errors[10] == ["Unknown tier “gold”: use key, strategic or other."]
    assert errors[11] == ["United Kingdom is not one of the countries of the region DACH."]


def test_one_bad_row_imports_nothing():
    content = csv_bytes(
        "Acme Foods,key,UK & Ireland,GB,Retail,,Ann Lee,ann@acme.example,,,,",
        "Broken Ltd,key,UK & Ireland,GB,,,Bob,bob@,,,,",
    )
    with pytest.raises(ImportRejected):
        import_apply(content=content)
    assert Organisation.objects.count() == 0
    assert Contact.objects.count() == 0


def test_email_already_at_another_organisation_is_an_error():
    ContactFactory(email="ann@acme.example", organisation__name="Elsewhere Ltd")
    plan = import_plan(
        content=csv_bytes("Acme Foods,key,UK & Ireland,GB,,,Ann,ann@acme.example,,,,")
    )
    assert errors_by_line(plan)[2] == [
        "ann@acme.example already belongs to a contact at Elsewhere Ltd."
    ]


def test_conflicting_organisation_details_across_rows_are_an_error():
    plan = import_plan(
        content=csv_bytes(
            "Acme,key,UK & Ireland,GB,,,A,a@acme.example,,,,",
            "Acme,strategic,UK & Ireland,GB,,,B,b@acme.example,,,,",
        )
    )
    assert errors_by_line(plan)[3] == ["The tier differs from the one given for “Acme” on line 2."]


@pytest.mark.parametrize(
    "cell",
    [
        "=cmd|' /C calc'!A0",
        "@SUM(1+1)",
        '+HYPERLINK("http://x")',
        "-2+3+cmd|' /C calc'!A0",
        " =1+1",
    ],
)
def test_formula_cells_are_refused(cell):
    content = csv_bytes(f'Acme,key,UK & Ireland,GB,,"{cell.replace(chr(34), chr(34) * 2)}",,,,,,')
    plan = import_plan(content=content)
    assert not plan.ok
    assert "spreadsheets run as a formula" in errors_by_line(plan)[2][0]
    with pytest.raises(ImportRejected):
        import_apply(content=content)
    assert not Organisation.objects.exists()


def test_phone_numbers_starting_with_plus_are_not_formulas():
    plan = import_plan(
        content=csv_bytes("Acme,key,UK & Ireland,GB,,,A,a@acme.example,,+44 (0)20 7946-0000,,")
    )
    assert plan.ok, errors_by_line(plan)


def test_invalid_phone_number_is_explained():
    plan = import_plan(content=csv_bytes("Acme,key,UK & Ireland,GB,,,A,a@acme.example,,call me,,"))
    assert "is not a phone number" in errors_by_line(plan)[2][0]


def test_utf8_with_bom_is_read():
    content = codecs.BOM_UTF8 + GOOD
    plan = import_plan(content=content)
    assert plan.ok
    assert plan.encoding == "UTF-8"
    import_apply(content=content)
    assert Organisation.objects.filter(name="Acme Foods").exists()


def test_excel_semicolon_csv_with_sep_line_crlf_and_windows_1252_is_read():
    text = HEADER.replace(",", ";") + (
        'Müller Bäckerei;key;DACH;DE;Retail;"Line one\r\nline two";Jürgen Groß;jg@m.example;;;de;\r\n'
    )
    content = ("sep=;\r\n" + text.replace("\n", "\r\n").replace("\r\r\n", "\r\n")).encode("cp1252")
    plan = import_plan(content=content)
    assert plan.ok, (plan.file_errors, errors_by_line(plan))
    assert plan.encoding == "Windows-1252"
    assert any("Windows-1252" in note for note in plan.notes)
    import_apply(content=content)
    org = Organisation.objects.get(name="Müller Bäckerei")
    assert org.notes == "Line one\r\nline two"
    assert org.contacts.get().name == "Jürgen Groß"


def test_utf16_excel_unicode_text_is_read():
    content = GOOD.decode().replace(",", "\t").encode("utf-16")
    plan = import_plan(content=content)
    assert plan.ok, (plan.file_errors, errors_by_line(plan))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04rest-of-a-zip", "Excel workbook"),
        (b"organisation\x00\x01\x02", "not a text CSV file"),
        (b"", "empty"),
        (b"name;email\nA;a@x\n", "no “organisation” column"),
        (b"organisation,notes\n", "no rows"),
        (b'organisation,notes\nAcme,"unclosed\n', "not valid CSV"),
        (b"organisation,notes\nAcme,a,b,c\n", "Line 2 has 4 cells"),
        (b"organisation,notes\nAcme \x81\x8d\x90,x\n", "could not be read in any encoding"),
    ],
)
def test_unreadable_files_are_explained_and_nothing_is_written(content, message):
    plan = import_plan(content=content)
    assert not plan.ok
    assert message in plan.file_errors[0]
    with pytest.raises(ImportRejected):
        import_apply(content=content)
    assert not Organisation.objects.exists()


def test_a_file_over_the_limit_is_refused(settings):
    settings.MAX_IMPORT_BYTES = 1000
    plan = import_plan(content=GOOD + b"#" * 2000)
    assert "the largest file accepted is 1000" in plan.file_errors[0]


def test_leader_cannot_import_rows_for_regions_they_do_not_lead():
    uk = RegionFactory(name="UK & Ireland")
    plan = import_plan(content=GOOD, editable_region_ids=frozenset({uk.pk}))
    errors = errors_by_line(plan)
    assert list(errors) == [4]
    assert "You do not lead the region DACH" in errors[4][0]


def test_a_tab_before_a_formula_is_named_in_the_message():
    plan = import_plan(content=csv_bytes('Acme,key,UK & Ireland,GB,,"\t=1+cmd",,,,,,'))
    assert errors_by_line(plan)[2][0].startswith("The notes cell starts with a tab")


def test_cells_neutralised_by_our_export_import_as_the_value_they_stood_for():
    import_apply(content=csv_bytes("Acme,key,UK & Ireland,GB,,'=SUM(A1),,,,,,"))
    assert Organisation.objects.get().notes == "=SUM(A1)"
    plan = import_plan(content=csv_bytes("Acme,key,UK & Ireland,GB,,'=SUM(A1),,,,,,"))
    assert plan.ok
    assert plan.changes == 0


# Names with accents, capitals, quotes, delimiters and inner dashes (formulas: tested above).
_names = st.text(alphabet="abcdeäöüßxyzABC ,;\"'", min_size=1, max_size=12).map(
    lambda name: name.replace("a", "a-")
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(
            _names,
            st.sampled_from(["key", "strategic", "other", "Key", ""]),
            st.sampled_from(["Retail", "Payments", "Retail;Payments", ""]),
            _names,
            st.integers(min_value=0, max_value=200),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_any_file_that_imports_imports_again_with_no_change(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["organisation", "tier", "region", "country", "facets", "contact name", "email"]
    )
    for org, tier, facets, person, n in rows:
        writer.writerow([org, tier, "UK & Ireland", "GB", facets, person, f"p{n}@x.example"])
    content = buffer.getvalue().encode()
    if not import_plan(content=content).ok:
        before = Contact.objects.count()
        with pytest.raises(ImportRejected):
            import_apply(content=content)
        assert Contact.objects.count() == before
        return
    import_apply(content=content)
    again = import_plan(content=content)
    assert again.ok
    assert again.changes == 0
