"""Phone numbers: one normalised form (E.164), display forms, masking and geography."""
import re
import unicodedata
from functools import lru_cache

import phonenumbers
from flask import current_app
from flask_babel import gettext as _

from . import geography as _geography
from .errors import ValidationError

_JUNK = re.compile(r"[\s\-().]")
_DIGITS = re.compile(r"\+?\d+", re.ASCII)


def normalise(raw, default_area_code="536"):
    """Return the E.164 form of a Chinese mobile or landline number, or raise ValidationError.

    Accepts +86/86/0086 prefixes, spaces, tabs, dashes, dots, brackets and full-width digits;
    a 7- or 8-digit local landline gets `default_area_code`. Numbers outside China are refused.
    """
    # NFKC turns full-width digits, ＋, （）and －, as Chinese input methods type them, into ASCII.
    text = _JUNK.sub("", unicodedata.normalize("NFKC", str(raw or "")))
    if not text:
        raise ValidationError(_("Enter a phone number."), {"phone": _("required")})
    if text.startswith("00"):
        text = "+" + text[2:]
    elif text.startswith("86") and len(text) in (13, 12, 11) and not text.startswith("860"):
        text = "+" + text
    elif re.fullmatch(r"[2-9]\d{6,7}", text):
        # A local landline number as the exchange gives it, without the area code.
        text = "0" + default_area_code + text
    number = None
    # Only digits: phonenumbers would read letters as a keypad spelling (ABCD -> 2223).
    if _DIGITS.fullmatch(text):
        try:
            number = phonenumbers.parse(text, "CN")
        except phonenumbers.NumberParseException:
            pass
    if number is None or number.country_code != 86 or not phonenumbers.is_valid_number(number):
        shown = str(raw).strip()
        shown = shown if len(shown) <= 30 else shown[:30] + "…"
        raise ValidationError(_("%(raw)s is not a valid phone number.", raw=shown),
                              {"phone": _("not a valid Chinese mobile or landline number")})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=4096)
def display(e164):
    """The national form a person reads, e.g. 138 5361 2345 or 0536 601 2345."""
    number = phonenumbers.parse(e164, "CN")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def mask(e164):
    """The number with its middle digits hidden: 138****2345."""
    digits = display(e164).replace(" ", "")
    return digits[:3] + "****" + digits[-4:]


@lru_cache(maxsize=4096)
def geography(e164):
    """Where the number is registered, in Chinese (province and city), or an empty string."""
    return _geography.describe(e164)


def is_home(e164):
    """Whether the number is registered in the programme's home area (None when unknown)."""
    place = geography(e164)
    if not place:
        return None
    return current_app.config["HOME_AREA"] in place
