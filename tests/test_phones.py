"""Phone numbers: every common way of writing a Chinese number gives one E.164 form."""
import pytest
from sqlalchemy import func, select

from callin import phones
from callin.errors import ValidationError
from callin.extensions import db
from callin.models import Caller
from callin.services.callers import caller_for_phone

MOBILE, LANDLINE = "+8613853612345", "+865366012345"

SPELLINGS = [
    ("+86 138 5361 2345", MOBILE),
    ("86-138-5361-2345", MOBILE),
    ("008613853612345", MOBILE),
    ("0086 138 5361 2345", MOBILE),
    ("+8613853612345", MOBILE),
    ("8613853612345", MOBILE),
    ("(+86)13853612345", MOBILE),
    ("13853612345", MOBILE),
    ("138 5361 2345", MOBILE),
    ("138-5361-2345", MOBILE),
    ("138.5361.2345", MOBILE),
    ("１３８５３６１２３４５", MOBILE),             # full-width digits
    ("＋８６　１３８－５３６１－２３４５", MOBILE),   # full-width plus, space and dash
    (" \t13853612345\t ", MOBILE),
    ("138 5361 2345\n", MOBILE),
    ("(0536) 601 2345", LANDLINE),
    ("（0536）6012345", LANDLINE),                 # full-width brackets
    ("0536-6012345", LANDLINE),
    ("05366012345", LANDLINE),
    ("0536 601 2345", LANDLINE),
    ("+86 536 601 2345", LANDLINE),
    ("+86 (0)536 601 2345", LANDLINE),
    ("86 536 6012345", LANDLINE),
    ("0086-536-6012345", LANDLINE),
    ("6012345", LANDLINE),                         # local 7 digits: the 0536 default
    ("601 2345", LANDLINE),
    ("６０１２３４５", LANDLINE),
    ("010-12345678", "+861012345678"),             # Beijing, 8-digit numbers
    ("(010) 1234 5678", "+861012345678"),
    ("+86 10 1234 5678", "+861012345678"),
    ("861012345678", "+861012345678"),
    ("021-62345678", "+862162345678"),             # Shanghai
    ("17012345678", "+8617012345678"),
    ("199 1234 5678", "+8619912345678"),
]


@pytest.mark.parametrize("raw,expected", SPELLINGS)
def test_spellings_normalise_to_one_form(plain_app, raw, expected):
    assert phones.normalise(raw) == expected


def test_a_local_number_takes_the_default_area_code(plain_app):
    assert phones.normalise("62345678", default_area_code="10") == "+861062345678"
    assert phones.normalise("6012345") == LANDLINE


INVALID = [
    "",                          # nothing
    "   ",
    None,
    "12345",                     # too short
    "1385361234",                # a mobile one digit short
    "138536123456",              # one digit too many
    "13853612345678",
    "+86 1385361234",
    "1385361234a",               # letters
    "138-5361-ABCD",
    "call me",
    "11111111111",               # no such mobile range
    "0000000",
    "86012345",                  # 8 digits: the 0536 area has 7-digit numbers
    "0536-6012345-801",          # an extension is not a number
    "+1 650 253 0000",           # outside China: the programme calls back Chinese numbers only
    "+44 20 7946 0958",
    "+852 9123 4567",
    "+",
    "+86",
    "1" * 300,
]


@pytest.mark.parametrize("raw", INVALID)
def test_invalid_numbers_are_a_clear_error(plain_app, raw):
    with pytest.raises(ValidationError) as error:
        phones.normalise(raw)
    assert error.value.fields.get("phone")
    assert str(error.value)
    assert len(str(error.value)) < 120  # a pasted essay is not echoed back in full


def test_display_and_mask_read_the_normalised_form(plain_app):
    assert phones.display(MOBILE) == "138 5361 2345"
    assert phones.mask(MOBILE) == "138****2345"
    assert phones.display(LANDLINE).replace(" ", "") == "05366012345"


def test_two_spellings_of_one_number_are_one_caller(app):
    first = caller_for_phone("+86 138-5361-2345")
    db.session.commit()
    second = caller_for_phone("（0086）１３８ ５３６１ ２３４５")
    db.session.commit()
    assert first.id == second.id and first.phone == MOBILE
    assert db.session.scalar(select(func.count()).select_from(Caller)) == 1


def test_an_invalid_number_creates_no_caller(app):
    with pytest.raises(ValidationError):
        caller_for_phone("138-5361-234")
    with pytest.raises(ValidationError):
        caller_for_phone("+1 650 253 0000")
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Caller)) == 0


def test_every_intake_path_stores_the_normalised_form(app, ref, users):
    from callin.models import Case
    from callin.services import case_queries, cases

    case = cases.register_case({"title": "路灯不亮", "phone": "0536-601 2345"}, users["office"])
    assert case.citizen_phone == LANDLINE
    found = case_queries.list_cases({"phone": "(0536) 6012345"}, users["office"])["cases"]
    assert [row["id"] for row in found] == [case.id]
    with pytest.raises(ValidationError) as error:
        cases.register_case({"title": "路灯不亮", "phone": "12345"}, users["office"])
    assert "phone" in error.value.fields
    assert db.session.scalar(select(func.count()).select_from(Case)) == 1
