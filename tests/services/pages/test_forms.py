"""``parse_amount``, the one parser of an amount a person types on any form: what it takes and,
above all, what it refuses instead of guessing (a decimal comma once became a 100x amount, and
Python's ``float`` takes ``inf``, ``1e9`` and ``1_000``)."""

from __future__ import annotations

import pytest

from services.pages.forms import parse_amount


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("25", 25.0),
        (" 1500 ", 1500.0),
        ("1,500", 1500.0),
        ("£1,250.50", 1250.5),
        ("£ 12.5", 12.5),
        ("1,000,000", 1_000_000.0),
        ("0.75", 0.75),
    ],
)
def test_plain_amounts_with_pounds_and_thousands_are_taken(typed: str, value: float) -> None:
    assert parse_amount(typed, "amount") == value


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "Enter the amount"),
        ("£", "Enter the amount"),  # a pound sign is not an amount
        ("  £  ", "Enter the amount"),
        ("1.200,00", "ambiguous"),  # 1.2 or 1200? never guessed
        ("£1.200,00", "ambiguous"),
        ("12,50", "only between thousands"),  # a decimal comma
        ("1,2,3", "only between thousands"),
        ("1,0000", "only between thousands"),
        (",500", "only between thousands"),
        ("1 200", "must be a number"),
        ("1_000", "must be a number"),
        ("1e3", "must be a number"),
        ("inf", "must be a number"),
        ("nan", "must be a number"),
        ("lots", "must be a number"),
        ("$40", "must be a number"),
        ("9" * 400, "must be a number"),  # too big to be finite
        ("-5", "cannot be negative"),
        ("-£5", "cannot be negative"),
        ("£-5", "cannot be negative"),
        ("0", "must be more than 0"),
        ("£0.00", "must be more than 0"),
    ],
)
def test_what_is_not_plainly_an_amount_is_refused_in_words(typed: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_amount(typed, "amount")


def test_zero_is_fine_where_the_form_allows_it_but_negative_never() -> None:
    assert parse_amount("0", "funding gap", positive=False) == 0.0
    assert parse_amount("£0", "funding gap", positive=False) == 0.0
    with pytest.raises(ValueError, match="funding gap cannot be negative"):
        parse_amount("-1", "funding gap", positive=False)
