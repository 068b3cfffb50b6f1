"""Notes between producer, host and guest, with canned one-click messages."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext

from .. import policy
from ..errors import Conflict, ValidationError
from ..extensions import db
from ..models import RECIPIENTS, Call, Note
from ..states import ShowState
from ..validation import parse_id
from .live import changing_show, get_show

CANNED = {
    "wrap_up": lazy_gettext("Please wrap up this call."),
    "next_urgent": lazy_gettext("The next caller is urgent."),
    "no_more_calls": lazy_gettext("No more calls today."),
    "break": lazy_gettext("Break coming up."),
}


def post_note(show_id, fields, actor):
    """Post a note (free text or canned) to the show, optionally tied to one call."""
    policy.require(actor, "note")
    if not isinstance(fields, dict):
        raise ValidationError(_("Send the note as a JSON object."))
    canned = fields.get("canned")
    text = CANNED[canned] if canned in CANNED else (fields.get("text") or "")
    text = str(text).strip()
    errors = {}
    if canned and canned not in CANNED:
        errors["canned"] = _("unknown canned message")
    if not text:
        errors["text"] = _("write the note")
    elif len(text) > 500:
        errors["text"] = _("at most %(n)s characters", n=500)
    recipient = fields.get("recipient") or "all"
    if recipient not in RECIPIENTS:
        errors["recipient"] = _("all, host, guest or producer")
    if errors:
        raise ValidationError(_("The note was not sent."), errors)
    show = get_show(show_id)
    call_id = fields.get("call_id")
    if call_id is not None:
        call_id = parse_id(call_id)
        call = db.session.get(Call, call_id) if call_id else None
        if call is None or call.show_id != show.id:
            raise ValidationError(_("That call is not in this show."), {"call_id": _("unknown call")})
    if show.state == ShowState.ENDED:
        raise Conflict(_("The show has ended; notes are closed."))
    with changing_show(show_id):
        note = Note(show_id=show_id, call_id=call_id, author_id=actor.id,
                    author_role=actor.role, recipient=recipient,
                    canned=canned if canned in CANNED else None, text=text)
        db.session.add(note)
    return note
