"""The producer's inbox of texts during a live show: queue, turn into a case, dismiss."""
from flask_login import current_user

from ..realtime.payloads import inbox_message
from ..services import inbox as service
from . import bp, ok, optional_body
from .serializers import call_summary


@bp.get("/shows/<id:show_id>/inbox")
def inbox(show_id):
    messages = service.list_inbox(show_id, current_user)
    return ok({"show_id": show_id, "messages": [inbox_message(m) for m in messages]})


@bp.post("/inbox/<id:message_id>/queue")
def queue_text(message_id):
    message, call = service.queue_text(message_id, current_user)
    return ok({"message": inbox_message(message), "call": call_summary(call)})


@bp.post("/inbox/<id:message_id>/case")
def text_to_case(message_id):
    message, case = service.text_to_case(message_id, current_user, optional_body())
    return ok({"message": inbox_message(message),
               "case": {"id": case.id, "number": case.number}}, 201)


@bp.post("/inbox/<id:message_id>/dismiss")
def dismiss_text(message_id):
    reason = optional_body().get("reason", "")
    return ok({"message": inbox_message(service.dismiss_text(message_id, current_user, reason))})
