"""The state machines of shows and calls: every allowed move is one line of a table."""
from enum import StrEnum

from flask_babel import gettext as _

from .errors import Conflict


class IllegalTransition(Conflict):
    """A move the state table does not allow."""

    code = "illegal_transition"


class ShowState(StrEnum):
    SCHEDULED = "scheduled"
    LIVE = "live"
    ENDED = "ended"


class CallState(StrEnum):
    RINGING = "ringing"
    SCREENING = "screening"
    READY = "ready"
    ON_AIR = "on_air"
    DONE = "done"
    DROPPED = "dropped"
    ABANDONED = "abandoned"
    REJECTED = "rejected"


SHOW_TRANSITIONS = frozenset({
    (ShowState.SCHEDULED, ShowState.LIVE),
    (ShowState.LIVE, ShowState.ENDED),
})

CALL_TRANSITIONS = frozenset({
    (CallState.RINGING, CallState.SCREENING),   # a producer picks up
    (CallState.RINGING, CallState.ABANDONED),   # hung up while ringing
    (CallState.SCREENING, CallState.READY),     # screened, consent given
    (CallState.SCREENING, CallState.ABANDONED),
    (CallState.SCREENING, CallState.REJECTED),  # screened out, with a reason
    (CallState.READY, CallState.ON_AIR),        # the host takes it
    (CallState.READY, CallState.ABANDONED),
    (CallState.ON_AIR, CallState.DONE),
    (CallState.ON_AIR, CallState.DROPPED),      # line lost on air
})

#: Calls still in the show's live picture (the rest are finished).
ACTIVE_CALL_STATES = (CallState.RINGING, CallState.SCREENING, CallState.READY, CallState.ON_AIR)
#: Calls that went on air.
AIRED_CALL_STATES = (CallState.ON_AIR, CallState.DONE, CallState.DROPPED)
#: Calls whose card the producer may still edit.
EDITABLE_CALL_STATES = (CallState.RINGING, CallState.SCREENING, CallState.READY,
                        CallState.ON_AIR, CallState.DONE, CallState.DROPPED)

_TABLES = {"show": SHOW_TRANSITIONS, "call": CALL_TRANSITIONS}


def can_transition(kind, current, target):
    """Whether the table of `kind` allows moving from `current` to `target`."""
    return (current, target) in _TABLES[kind]


def transition(kind, current, target):
    """Return `target` if the move is allowed, else raise IllegalTransition with a readable message."""
    if not can_transition(kind, current, target):
        raise IllegalTransition(
            _("This %(kind)s is %(current)s and cannot become %(target)s.",
              kind=_(kind), current=_(str(current)), target=_(str(target))))
    return target
