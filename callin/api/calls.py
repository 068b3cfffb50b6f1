"""Calls: the screening card and every move of a call."""
from flask import request
from flask_login import current_user

from ..services import callers
from ..services import calls as service
from . import body, bp, ok, optional_body
from .serializers import call_summary


@bp.patch("/calls/<id:call_id>")
def update_card(call_id):
    data = body()
    version = data.pop("version", None)
    return ok({"call": call_summary(service.update_card(call_id, data, version, current_user))})


@bp.post("/calls/<id:call_id>/answer")
def answer(call_id):
    return ok({"call": call_summary(service.answer_call(call_id, current_user))})


@bp.post("/calls/<id:call_id>/ready")
def ready(call_id):
    version = body().get("version")
    return ok({"call": call_summary(service.make_ready(call_id, version, current_user))})


@bp.post("/calls/<id:call_id>/reject")
def reject(call_id):
    return ok({"call": call_summary(service.reject_call(call_id, body().get("reason"), current_user))})


@bp.post("/calls/<id:call_id>/abandon")
def abandon(call_id):
    return ok({"call": call_summary(service.abandon_call(call_id, current_user))})


@bp.post("/calls/<id:call_id>/air")
def air(call_id):
    return ok({"call": call_summary(service.air_call(call_id, current_user))})


@bp.post("/calls/<id:call_id>/end")
def end(call_id):
    outcome = optional_body().get("outcome") or None
    return ok({"call": call_summary(service.end_call(call_id, current_user, outcome=outcome))})


@bp.post("/calls/<id:call_id>/drop")
def drop(call_id):
    return ok({"call": call_summary(service.end_call(call_id, current_user, dropped=True))})


@bp.post("/calls/<id:call_id>/outcome")
def outcome(call_id):
    return ok({"call": call_summary(service.set_outcome(call_id, body(), current_user))})


@bp.post("/calls/<id:call_id>/flag")
def flag(call_id):
    data = body()
    caller = callers.flag_caller(call_id, data.get("flag"), data.get("reason"), current_user)
    return ok({"caller": {"id": caller.id, "flag": caller.flag, "flag_reason": caller.flag_reason}})


@bp.get("/callers/lookup")
def caller_lookup():
    return ok(callers.lookup_by_phone(request.args.get("phone"), current_user))


@bp.get("/callers/<id:caller_id>/history")
def history(caller_id):
    return ok(callers.caller_history(caller_id, current_user))
