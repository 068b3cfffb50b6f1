"""Shows: list, schedule, go live, lines, end, the live queue, next, notes, report."""
from flask import request
from flask_babel import gettext as _
from flask_login import current_user

from .. import policy
from ..errors import Unauthorized
from ..services import calls as call_service
from ..services import live, notes, reports, shows, simulator
from . import body, bp, ok
from .serializers import call_summary, show_summary


def _signed_in():
    if not current_user.is_authenticated:
        raise Unauthorized(_("Log in first."))


@bp.get("/shows")
def list_shows():
    _signed_in()
    return ok({"shows": [show_summary(s) for s in shows.list_shows(request.args.get("state"))]})


@bp.post("/shows")
def create_show():
    return ok({"show": show_summary(shows.create_show(body(), current_user))}, 201)


@bp.patch("/shows/<id:show_id>")
def update_show(show_id):
    return ok({"show": show_summary(shows.update_show(show_id, body(), current_user))})


@bp.post("/shows/<id:show_id>/start")
def start_show(show_id):
    return ok({"show": show_summary(shows.start_show(show_id, current_user))})


@bp.post("/shows/<id:show_id>/end")
def end_show(show_id):
    return ok({"show": show_summary(shows.end_show(show_id, current_user))})


@bp.post("/shows/<id:show_id>/lines")
def set_lines(show_id):
    return ok({"show": show_summary(shows.set_lines(show_id, body().get("open"), current_user))})


@bp.get("/shows/<id:show_id>/queue")
def queue(show_id):
    show = live.get_show(show_id)
    audience = policy.narrowed(policy.audience_for(current_user, show),
                               request.args.get("audience"))
    _, state = live.read_state(show_id, audience)
    return ok(state)


@bp.put("/shows/<id:show_id>/queue")
def reorder(show_id):
    ids = call_service.reorder_queue(show_id, body().get("call_ids"), current_user)
    return ok({"call_ids": ids})


@bp.post("/shows/<id:show_id>/next")
def next_call(show_id):
    return ok({"call": call_summary(call_service.next_call(show_id, current_user))})


@bp.post("/shows/<id:show_id>/calls")
def create_call(show_id):
    data = body()
    phone = data.pop("phone", None)
    call = call_service.create_manual_call(show_id, phone, current_user, data)
    return ok({"call": call_summary(call)}, 201)


@bp.post("/shows/<id:show_id>/notes")
def post_note(show_id):
    note = notes.post_note(show_id, body(), current_user)
    return ok({"note": {"id": note.id, "text": note.text}}, 201)


@bp.post("/shows/<id:show_id>/simulate")
def simulate(show_id):
    return ok({"call_id": simulator.ring_once(show_id, current_user)}, 201)


@bp.get("/shows/<id:show_id>/report")
def report(show_id):
    return ok(reports.show_report(show_id, current_user))
