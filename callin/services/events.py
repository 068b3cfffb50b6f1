"""The call trail: one event per step."""
from ..extensions import db
from ..models import CallEvent


def record(call, kind, actor=None, from_state=None, to_state=None, text=""):
    """Add a trail event for `call` to the current transaction."""
    label = actor.username if actor is not None else "telephony"
    db.session.add(CallEvent(call_id=call.id, actor_id=actor.id if actor else None,
                             actor_label=label, kind=kind, from_state=from_state,
                             to_state=to_state, text=text))
