"""The conduct office's pages: the case workbench and hotline registration."""
from flask import Blueprint, render_template, request

from callin.auth.decorators import roles_required
from callin.services import case_queries, lookups
from callin.states import OPEN_CASE_STATES, CaseState, case_state_name

bp = Blueprint("office", __name__, url_prefix="/office")

#: The workbench's lists: each is GET /api/v1/cases with these filters.
SECTIONS = (
    ("triage", "state=registered"),
    ("returned", "state=returned"),
    ("review", "state=replied"),
    ("overdue", "overdue=1"),
    ("visits", "state=awaiting_visit"),
    ("extensions", "extension=pending"),
)


def _page_context():
    """What both pages need: reference lists and the case states' names."""
    return {"reference": lookups.reference_lists(),
            "case_states": {str(s): case_state_name(s) for s in CaseState},
            "open_states": [str(s) for s in OPEN_CASE_STATES]}


@bp.get("/")
@roles_required("office", "admin")
def workbench():
    search = {k: v for k, v in request.args.items() if k in case_queries.FILTERS
              and k not in ("cursor", "limit") and v}
    return render_template("office/workbench.html", sections=SECTIONS, search=search,
                           **_page_context())


@bp.get("/hotline")
@roles_required("office", "admin")
def hotline():
    return render_template("office/hotline.html", **_page_context())

