"""Liaison station pages (联络站): file a case for a resident and follow the station's cases."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from callin.auth.decorators import roles_required
from callin.errors import DomainError
from callin.services import lookups
from callin.services import stations as service
from callin.services.cases import get_case
from cases_ui import first_page
from cases_ui.words import case_words, state_name

bp = Blueprint("stations", __name__, url_prefix="/station")

LIST_FILTERS = ("state", "text", "number")
FORM_FIELDS = ("citizen_name", "phone", "town_id", "community_id", "category_id", "nature",
               "problem")


@bp.context_processor
def _words():
    return {"case_words": case_words, "state_name": state_name}


def _blank_form():
    station = current_user.station
    return {"town_id": station.town_id if station else "",
            "community_id": station.community_id if station and station.community_id else "",
            "nature": "help"}


def _home(form=None, form_errors=None, error=None, status=200):
    """The station's page: its cases (first page) and the form for a resident's problem."""
    page, filters, list_errors = first_page(LIST_FILTERS)
    return render_template(
        "stations/home.html", page=page, filters=filters, list_errors=list_errors,
        form=form or _blank_form(), errors=form_errors or {}, error=error,
        station=current_user.station, reference=lookups.reference_lists()), status


@bp.get("/")
@roles_required("station")
def home():
    return _home()


@bp.post("/cases")
@roles_required("station")
def file_case():
    """File the resident's problem; on a problem, the page again with what was typed."""
    form = {name: request.form.get(name, "").replace("\x00", "").strip() for name in FORM_FIELDS}
    photos = [f for f in request.files.getlist("photos") if f and f.filename]
    try:
        case = service.file_for_resident(form, current_user, photos)
    except DomainError as problem:
        return _home(form, problem.fields, problem.message, problem.status)
    flash(_("Case %(number)s filed. The resident gets a text message with its number.",
            number=case.number), "success")
    return redirect(url_for(".filed", case_id=case.id))


@bp.get("/filed/<id:case_id>")
@roles_required("station")
def filed(case_id):
    """What to tell the resident: the case number and the lookup code."""
    case = get_case(case_id, current_user)
    return render_template("stations/filed.html", case=case)
