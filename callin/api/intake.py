"""Intake helpers: similar open cases (duplicates) and linking a report to an existing case."""
from flask_login import current_user

from ..services import similar
from . import body, bp, ok


@bp.post("/cases/similar")
def similar_cases():
    """Open cases like the report being typed: {phone, text, town_id, category_id, exclude_id}."""
    return ok({"cases": similar.suggest(body(), current_user)})


@bp.get("/cases/<id:case_id>/similar")
def case_similar(case_id):
    """Open cases like this one, for the office's case page."""
    return ok({"cases": similar.similar_to_case(case_id, current_user)})


@bp.post("/cases/<id:case_id>/link")
def case_link(case_id):
    """Attach a report {name, phone, text, channel} to this open case instead of opening another."""
    data = body()
    case = similar.link_report(case_id, data, data.get("channel"), current_user)
    return ok({"case": similar.linked_row(case, current_user)})
