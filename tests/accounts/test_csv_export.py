"""The one CSV writer every export goes through (accounts/csv_export.py)."""

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from accounts.csv_export import csv_text, is_formula, neutralise, unwrap_neutralised


def test_every_cell_header_included_is_guarded_with_a_bom_and_crlf():
    text = csv_text(["=name", "tags"], [["@SUM(A1)", " =HYPERLINK(1)"], ["\t-cmd", "plain"]])
    assert text.startswith("\ufeff")
    assert text.count("\r\n") == 3
    assert "\n" not in text.replace("\r\n", "")
    rows = list(csv.reader(io.StringIO(text[1:], newline="")))
    assert rows == [["'=name", "tags"], ["'@SUM(A1)", "' =HYPERLINK(1)"], ["'\t-cmd", "plain"]]


def test_formulas_after_leading_whitespace_are_guarded():
    for cell in (" =1+1", "   @cmd", "\u00a0+SUM(A1)", " \t=x", "\n=x", "\r-2+cmd"):
        assert is_formula(cell), repr(cell)
        assert neutralise(cell).startswith("'")


def test_numbers_and_phone_numbers_are_left_alone():
    assert neutralise("+44 20 7946 0000") == "+44 20 7946 0000"
    assert neutralise("-12.5") == "-12.5"
    assert neutralise("Acme") == "Acme"
    assert neutralise(None) == ""
    assert neutralise(7) == "7"


@given(st.text())
def test_neutralised_cells_are_never_formulas_and_read_back_exactly(value):
    safe = neutralise(value)
    assert not is_formula(safe)
    assert unwrap_neutralised(safe) == value
