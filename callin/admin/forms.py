"""Form handling for the admin pages: what each form posts, labels for choices, re-rendering."""
from datetime import datetime, time, timedelta

from flask import current_app, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..errors import DomainError
from ..extensions import db
from ..i18n import SHANGHAI, local_time
from ..validation import MAX_ID
from ..vocabulary import ROLE_LABELS

KIND_LABELS = {
    "bureau": _l("Government bureau"), "utility": _l("Public utility"),
    "town": _l("Town or street office"), "enterprise": _l("Enterprise"), "court": _l("Court"),
}
SHOW_STATE_LABELS = {"scheduled": _l("Scheduled"), "live": _l("Live"), "ended": _l("Ended")}
SHOW_STATE_BADGES = {"scheduled": "info", "live": "danger live", "ended": ""}
SHOW_FORM_FIELDS = ("title", "department_id", "guest_names", "starts_at", "duration_min",
                    "airtime_limit_s", "wait_warning_s")
LOCAL_INPUT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> shows and posts


def department_choices(departments, keep=None):
    """(id, label) pairs for a department select: the active ones, and `keep` (the current
    choice) even when it is inactive, marked as such."""
    return [(d.id, d.name if d.is_active else _("%(name)s (inactive)", name=d.name))
            for d in departments if d.is_active or d.id == keep]


def _value(name):
    # PostgreSQL refuses NUL characters in text; nobody types them.
    value = request.form.get(name, "").replace("\x00", "").strip()
    if name.endswith("_id") and value.isdigit() and int(value) > MAX_ID:
        return "0"  # never an id, so the service reports it as unknown
    return value


def pick(*names):
    """The posted values of these fields, trimmed; "" for a missing one."""
    return {name: _value(name) for name in names}


def user_fields():
    # A password is taken exactly as typed.
    return dict(pick("username", "display_name", "role", "department_id"),
                password=request.form.get("password", ""))


def profile_fields():
    return pick("display_name", "role", "department_id")


def department_fields():
    # An unticked checkbox posts nothing, so "active" is read as a plain yes/no.
    return dict(pick("name", "code", "kind"), is_active=request.form.get("is_active") == "1")


def show_fields():
    return pick(*SHOW_FORM_FIELDS)


def user_form(user):
    return {"display_name": user.display_name, "role": user.role,
            "department_id": user.department_id or ""}


def department_form(dept=None):
    if dept is None:
        return {"kind": "bureau", "is_active": True}
    return {"name": dept.name, "code": dept.code, "kind": dept.kind, "is_active": dept.is_active}


def show_form(show=None):
    """The show form's values: a show's own, or sensible ones for a new show."""
    if show is not None:
        return {"title": show.title, "department_id": show.department_id or "",
                "guest_names": show.guest_names, "duration_min": show.duration_min,
                "starts_at": local_time(show.starts_at, LOCAL_INPUT),
                "airtime_limit_s": show.airtime_limit_s, "wait_warning_s": show.wait_warning_s}
    tomorrow = datetime.now(SHANGHAI).date() + timedelta(days=1)
    return {"starts_at": datetime.combine(tomorrow, time(9, 0)).strftime(LOCAL_INPUT),
            "duration_min": 60, "airtime_limit_s": current_app.config["DEFAULT_AIRTIME_S"],
            "wait_warning_s": current_app.config["WAIT_WARNING_S"]}


def page(template, error=None, **context):
    """Render an admin page; with a DomainError, show its message and field problems."""
    context.update(role_labels=ROLE_LABELS, kind_labels=KIND_LABELS,
                   state_labels=SHOW_STATE_LABELS, state_badges=SHOW_STATE_BADGES)
    if error is None:
        return render_template(template, errors={}, **context)
    db.session.rollback()  # nothing half-changed may show on the re-rendered page
    return render_template(template, error=error.message, errors=error.fields,
                           **context), error.status


def submit(save, done, template, **context):
    """Run `save` (it returns the message to flash) and redirect to `done`; on a DomainError
    re-render `template` with the problems and what was typed."""
    try:
        message = save()
    except DomainError as error:
        return page(template, error=error, **context)
    flash(message, "success")
    return redirect(done)
