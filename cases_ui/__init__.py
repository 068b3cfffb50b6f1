"""Case pages: one case with its trail and actions, and the department portal."""
from flask import Blueprint, render_template, request
from flask_login import current_user

from callin.auth.decorators import roles_required
from callin.errors import ValidationError
from callin.services import case_queries
from callin.services.cases import get_case

from .words import case_words, event_label, state_name

bp = Blueprint("cases_ui", __name__)

CASE_READERS = ("admin", "office", "department", "field", "station")
PORTAL_FILTERS = ("state", "overdue", "text", "number")


@bp.context_processor
def _words():
    return {"case_words": case_words, "event_label": event_label, "state_name": state_name}


@bp.get("/cases/<id:case_id>")
@roles_required(*CASE_READERS)
def case_detail(case_id):
    """One case: its facts, deadlines and trail, and the actions this user may take now."""
    case = get_case(case_id, current_user)
    return render_template("cases/detail.html", case=case,
                           detail=case_queries.detail(case.id, current_user))


@bp.get("/department/")
@roles_required("department")
def department():
    """The department's cases; the first page is rendered here, the script does the rest."""
    page, filters, errors = first_page(PORTAL_FILTERS)
    return render_template("cases/department.html", page=page, filters=filters, errors=errors)


def first_page(names):
    """The page of the current user's case list that the query string asks for, rendered on the
    server before the script takes over: (page, the filters given, their errors)."""
    filters = {name: request.args[name].strip() for name in names
               if request.args.get(name, "").strip()}
    cursor = request.args.get("cursor") or None
    try:
        page = case_queries.list_cases(dict(filters, cursor=cursor) if cursor else filters,
                                       current_user)
    except ValidationError as error:
        return {"cases": [], "next_cursor": None}, filters, error.fields
    return page, filters, {}
