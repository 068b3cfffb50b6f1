"""Admin pages for liaison stations: list, create, edit, deactivate."""
from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.decorators import roles_required
from ..services import lookups
from ..services import stations as service
from . import bp, forms

STATIONS, STATION = "admin/stations.html", "admin/station_form.html"
FIELDS = ("code", "name", "town_id", "community_id", "contact_name", "contact_phone")


def _fields():
    # An unticked checkbox posts nothing, so "active" is read as a plain yes/no.
    return dict(forms.pick(*FIELDS), is_active=request.form.get("is_active") == "1")


def _form(station=None):
    if station is None:
        return {"is_active": True}
    from .. import phones
    return {"code": station.code, "name": station.name, "town_id": station.town_id or "",
            "community_id": station.community_id or "", "contact_name": station.contact_name,
            "contact_phone": phones.display(station.contact_phone) if station.contact_phone
            else "", "is_active": station.is_active}


def _edit_page(station, form, save=None):
    context = {"form": form, "station": station, "towns": lookups.reference_lists()["towns"]}
    if save is None:
        return forms.page(STATION, **context)
    return forms.submit(save, url_for(".stations"), STATION, **context)


@bp.get("/stations")
@roles_required("admin")
def stations():
    search = request.args.get("q", "")
    return forms.page(STATIONS, stations=service.list_stations(search), search=search)


@bp.get("/stations/new")
@roles_required("admin")
def new_station():
    return _edit_page(None, _form())


@bp.post("/stations/new")
@roles_required("admin")
def create_station():
    form = _fields()

    def save():
        return _("Station %(name)s created.", name=service.save_station(form, current_user).name)
    return _edit_page(None, form, save)


@bp.get("/stations/<id:station_id>")
@roles_required("admin")
def edit_station(station_id):
    station = service.get_station(station_id)
    return _edit_page(station, _form(station))


@bp.post("/stations/<id:station_id>")
@roles_required("admin")
def update_station(station_id):
    station, form = service.get_station(station_id), _fields()

    def save():
        saved = service.save_station(form, current_user, station_id)
        return _("Station %(name)s saved.", name=saved.name)
    return _edit_page(station, form, save)


@bp.post("/stations/<id:station_id>/active")
@roles_required("admin")
def set_station_active(station_id):
    active = request.form.get("active") == "1"

    def save():
        station = service.set_station_active(station_id, active, current_user)
        if active:
            return _("%(name)s is active again.", name=station.name)
        return _("%(name)s is inactive: its users can no longer file cases.", name=station.name)
    return forms.submit(save, url_for(".stations", q=request.args.get("q") or None), STATIONS,
                        stations=service.list_stations(), search="")
