"""Web complaints (网上投诉): check the public form, open the case with photos, queue the reply."""
import re

from flask_babel import gettext as _

from .. import phones
from ..errors import ValidationError
from ..extensions import db
from ..models import Category, Community, Town
from ..validation import first_line, parse_id
from . import outbox, photos
from .cases import new_case

TEXT_FIELDS = ("name", "phone", "town_id", "community_id", "category_id", "subcategory_id",
               "problem")
LIMITS = {"name": 50, "phone": 40, "problem": 2000}
#: The form's hidden trap field: people never see it, simple robots fill every field they find.
HONEYPOT = "homepage"
TITLE_LENGTH = 40
# Control characters other than tab and newline (PostgreSQL refuses NUL in text).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class HoneypotFilled(ValidationError):
    """The hidden field was filled in: a robot, or a browser's over-eager autofill."""

    code = "honeypot"


def typed(form):
    """What the person typed, tidied, for checking and for showing the form again."""
    values = {}
    for name in TEXT_FIELDS:
        text = _CONTROL.sub("", str(form.get(name) or "")).replace("\r\n", "\n")
        values[name] = text.strip()
    return values


def file_complaint(form, files):
    """Check the form and photos, open the web case with its photos and auto-reply; commit."""
    if str(form.get(HONEYPOT) or "").strip():
        raise HoneypotFilled(_("The form was not accepted: a field that must stay empty was "
                               "filled in, perhaps by your browser. Check the form and send it "
                               "again."))
    values = typed(form)
    fields, errors = _check(values)
    try:
        prepared = photos.check_photos(files)
    except ValidationError as error:
        errors.update(error.fields)
    if errors:
        raise ValidationError(_("Please correct the marked fields."), errors)
    try:
        case = new_case("web", fields, None)
        photos.attach_photos(case, prepared)
        outbox.queue_sms(case.citizen_phone, outbox.case_reply_text(case), kind="case_number",
                         case_id=case.id)
        db.session.commit()
    except BaseException:
        db.session.rollback()  # the photo files written so far go with the transaction
        raise
    outbox.deliver_soon()
    return case


def _check(values):
    """The case fields from the typed values, and every problem found at once."""
    errors = {}
    for name, limit in LIMITS.items():
        if len(values[name]) > limit:
            errors[name] = _("at most %(n)s characters", n=limit)
    if not values["problem"]:
        errors["problem"] = _("Describe the problem.")
    fields = {"citizen_name": values["name"], "description": values["problem"],
              "title": first_line(values["problem"], TITLE_LENGTH)}
    if "phone" not in errors:
        try:
            fields["citizen_phone"] = phones.normalise(values["phone"])
        except ValidationError as error:
            errors["phone"] = error.fields.get("phone") or error.message
    fields.update(_place(values, errors))
    fields.update(_category(values, errors))
    return fields, errors


def _chosen(values, name, model, errors):
    """The row chosen in a select, None when nothing was chosen; an error for a forged value."""
    if not values[name]:
        return None
    key = parse_id(values[name])
    row = db.session.get(model, key) if key else None
    if row is None:
        errors[name] = _("unknown choice")
    return row


def _place(values, errors):
    town = _chosen(values, "town_id", Town, errors)
    community = _chosen(values, "community_id", Community, errors)
    if community is not None and town is not None and community.town_id != town.id:
        errors["community_id"] = _("This community is not in the chosen town.")
    if community is not None and town is None and "town_id" not in errors:
        town = community.town  # chosen without a town (no script): the community says which
    return {"town_id": town.id if town else None,
            "community_id": community.id if community else None}


def _category(values, errors):
    top = _chosen(values, "category_id", Category, errors)
    sub = _chosen(values, "subcategory_id", Category, errors)
    if top is not None and top.parent_id is not None:
        errors["category_id"] = _("unknown choice")
    if sub is not None and (sub.parent_id is None or (top and sub.parent_id != top.id)):
        errors["subcategory_id"] = _("This subcategory does not belong to the chosen category.")
    chosen = sub or top
    return {"category_id": chosen.id if chosen else None}
