"""Property tests: the SQL credit-code check and date reader against Python references."""

import datetime as dt

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assets.ingest.load import install_cleaning_macros
from pipeline.core.uscc import ALPHABET, is_valid_uscc, make_uscc

ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    install_cleaning_macros(c)
    return c


def sql_valid(con, code: str) -> bool:
    return con.execute("SELECT coalesce(uscc_format_ok(?) AND uscc_check_ok(?), false)",
                       [code, code]).fetchall()[0][0]


codes = st.builds(make_uscc, st.sampled_from(["91", "92", "12", "52"]),
                  st.just("350503"), st.text(ORG_ALPHABET, min_size=8, max_size=8))


@settings(max_examples=200, deadline=None)
@given(codes)
def test_valid_codes_pass_in_sql(con, code):
    assert is_valid_uscc(code)
    assert sql_valid(con, code)


@settings(max_examples=300, deadline=None)
@given(codes, st.integers(0, 17), st.sampled_from(ALPHABET))
def test_one_changed_character_is_caught_like_the_reference(con, code, pos, ch):
    changed = code[:pos] + ch + code[pos + 1:]
    assert sql_valid(con, changed) == is_valid_uscc(changed)
    if changed != code and pos in (16, 17):
        assert not sql_valid(con, changed)


@settings(max_examples=300, deadline=None)
@given(st.text(ALPHABET + "IOSVZ", min_size=16, max_size=19))
def test_arbitrary_strings_agree_with_the_reference(con, text):
    assert sql_valid(con, text) == is_valid_uscc(text)


def test_published_example(con):
    assert sql_valid(con, "91350503MA31DKY80A")
    assert not sql_valid(con, "91350503MA31DKY80B")


FORMATS = [
    lambda d: d.isoformat(),
    lambda d: f"{d.year}/{d.month}/{d.day}",
    lambda d: f"{d.year}.{d.month}.{d.day}",
    lambda d: f"{d.year}年{d.month}月{d.day}日",
    lambda d: f"{d.year}{d.month:02d}{d.day:02d}",
    lambda d: str((d - dt.date(1899, 12, 30)).days),
    lambda d: d.isoformat().translate(str.maketrans("0123456789-", "０１２３４５６７８９－")),
    lambda d: f"  {d.isoformat()} 00:00:00 ",
]


@settings(max_examples=300, deadline=None)
@given(st.dates(dt.date(1990, 1, 1), dt.date(2099, 12, 31)), st.integers(0, len(FORMATS) - 1))
def test_dates_read_in_every_accepted_form(con, day, fmt):
    text = FORMATS[fmt](day)
    assert con.execute("SELECT parse_date(norm(?))", [text]).fetchall()[0][0] == day


@settings(max_examples=200, deadline=None)
@given(st.integers(2000, 2100), st.integers(1, 12), st.integers(29, 40))
def test_impossible_dates_are_not_read(con, year, month, day):
    try:
        dt.date(year, month, day)
        return
    except ValueError:
        pass
    assert con.execute("SELECT parse_date(?)", [f"{year}-{month}-{day}"]).fetchall()[0][0] is None
