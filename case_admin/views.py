"""Deadline rules, the fallback holiday list, the supervision ladder and the log of reveals."""
from flask import redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from callin.admin import forms
from callin.auth.decorators import roles_required
from callin.services import case_queries
from callin.services import case_settings as service

from . import bp

RULES, CALENDAR = "case_admin/deadlines.html", "case_admin/calendar.html"
LADDER, REVEALS = "case_admin/supervision.html", "case_admin/reveals.html"


def _rules_page(editing=None, form=None):
    rules = service.list_deadline_rules(current_user)
    return {"rules": rules, "examples": service.deadline_examples(rules),
            "editing": editing, "form": form or {},
            "limits": service.RULE_LIMITS, "nature_labels": service.NATURE_LABELS,
            "urgency_labels": service.URGENCY_LABELS}


@bp.get("/")
@roles_required("admin")
def index():
    return redirect(url_for(".deadlines"))


@bp.get("/deadlines")
@roles_required("admin")
def deadlines():
    return forms.page(RULES, **_rules_page())


@bp.post("/deadlines/<id:rule_id>")
@roles_required("admin")
def save_rule(rule_id):
    form = forms.pick("sign_hours", "sign_days", "reply_days")

    def save():
        rule = service.save_deadline_rule(rule_id, form, current_user)
        return _("Deadlines for %(nature)s (%(urgency)s) saved.",
                 nature=service.NATURE_LABELS.get(rule.nature, rule.nature),
                 urgency=service.URGENCY_LABELS.get(rule.urgency, rule.urgency))
    return forms.submit(save, url_for(".deadlines"), RULES, **_rules_page(rule_id, form))


def _calendar_page(form=None):
    return {"days": service.list_calendar_days(current_user), "form": form or {},
            "day_kinds": service.DAY_KIND_LABELS, "weekday_names": service.WEEKDAY_LABELS,
            "last_known_year": service.covered_until()}


@bp.get("/calendar")
@roles_required("admin")
def calendar():
    return forms.page(CALENDAR, **_calendar_page())


@bp.post("/calendar")
@roles_required("admin")
def add_day():
    form = forms.pick("day", "kind", "note")

    def save():
        entry = service.add_calendar_day(form, current_user)
        if service.year_is_known(entry.day):
            return _("%(day)s added, but the official calendar already covers %(year)s, "
                     "so the entry is ignored.", day=entry.day.isoformat(), year=entry.day.year)
        return _("%(day)s added.", day=entry.day.isoformat())
    return forms.submit(save, url_for(".calendar"), CALENDAR, **_calendar_page(form))


@bp.post("/calendar/<id:day_id>/delete")
@roles_required("admin")
def delete_day(day_id):
    def save():
        day = service.delete_calendar_day(day_id, current_user)
        return _("%(day)s taken off the list.", day=day.isoformat())
    return forms.submit(save, url_for(".calendar"), CALENDAR, **_calendar_page())


@bp.get("/supervision")
@roles_required("admin")
def supervision():
    steps = service.supervision_ladder(current_user)
    return forms.page(LADDER, steps=steps, form=dict(steps), labels=service.STEP_LABELS,
                      max_days=service.MAX_OVERDUE_DAYS)


@bp.post("/supervision")
@roles_required("admin")
def save_ladder():
    form = forms.pick("reminder", "supervision", "listed")

    def save():
        service.save_ladder(form, current_user)
        return _("Supervision ladder saved.")
    return forms.submit(save, url_for(".supervision"), LADDER, form=form,
                        steps=service.supervision_ladder(current_user),
                        labels=service.STEP_LABELS, max_days=service.MAX_OVERDUE_DAYS)


@bp.get("/reveals")
@roles_required("admin")
def reveals():
    return forms.page(REVEALS, reveals=case_queries.reveals(current_user),
                      field_labels=service.REVEALED_FIELDS)
