"""The state machines of shows and calls: every allowed move is one line of a table."""
from enum import StrEnum

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

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


class CaseState(StrEnum):
    REGISTERED = "registered"
    DISPATCHED = "dispatched"
    RETURNED = "returned"            # sent back by the department, waiting for the office
    IN_PROGRESS = "in_progress"
    REPLIED = "replied"
    AWAITING_VISIT = "awaiting_visit"
    CLOSED = "closed"
    MERGED = "merged"
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

CASE_TRANSITIONS = frozenset({
    (CaseState.REGISTERED, CaseState.DISPATCHED),       # 派单
    (CaseState.REGISTERED, CaseState.AWAITING_VISIT),   # answered on the spot: return visit next
    (CaseState.REGISTERED, CaseState.CLOSED),           # answered on the spot, no return visit
    (CaseState.REGISTERED, CaseState.MERGED),           # a duplicate of another case
    (CaseState.REGISTERED, CaseState.REJECTED),         # 不予受理, with the reason
    (CaseState.DISPATCHED, CaseState.IN_PROGRESS),      # 签收
    (CaseState.DISPATCHED, CaseState.RETURNED),         # 退单, with the reason
    (CaseState.DISPATCHED, CaseState.MERGED),
    (CaseState.IN_PROGRESS, CaseState.RETURNED),
    (CaseState.IN_PROGRESS, CaseState.REPLIED),         # 答复
    (CaseState.RETURNED, CaseState.DISPATCHED),         # re-dispatched elsewhere, or overruled
    (CaseState.RETURNED, CaseState.MERGED),
    (CaseState.RETURNED, CaseState.REJECTED),
    (CaseState.REPLIED, CaseState.AWAITING_VISIT),      # 审核: the office accepts the reply
    (CaseState.REPLIED, CaseState.IN_PROGRESS),         # 审核: the reply is sent back
    (CaseState.AWAITING_VISIT, CaseState.CLOSED),       # 回访 done (or unreachable): 办结
    (CaseState.AWAITING_VISIT, CaseState.IN_PROGRESS),  # 重办: unsatisfied, department at fault
})

#: Cases still being worked on (the rest are finished).
OPEN_CASE_STATES = (CaseState.REGISTERED, CaseState.DISPATCHED, CaseState.RETURNED,
                    CaseState.IN_PROGRESS, CaseState.REPLIED, CaseState.AWAITING_VISIT)
#: Cases whose reply deadline is running at a department.
RUNNING_CASE_STATES = (CaseState.DISPATCHED, CaseState.IN_PROGRESS)

#: Calls still in the show's live picture (the rest are finished).
ACTIVE_CALL_STATES = (CallState.RINGING, CallState.SCREENING, CallState.READY, CallState.ON_AIR)
#: Calls that went on air.
AIRED_CALL_STATES = (CallState.ON_AIR, CallState.DONE, CallState.DROPPED)
#: Calls whose card the producer may still edit.
EDITABLE_CALL_STATES = (CallState.RINGING, CallState.SCREENING, CallState.READY,
                        CallState.ON_AIR, CallState.DONE, CallState.DROPPED)

_KIND_NAMES = {"show": _l("show"), "call": _l("call"), "case": _l("case")}
_STATE_NAMES = {
    "scheduled": _l("scheduled"), "live": _l("live"), "ended": _l("ended"),
    "ringing": _l("ringing"), "screening": _l("screening"), "ready": _l("ready"),
    "on_air": _l("on air"), "done": _l("done"), "dropped": _l("dropped"),
    "abandoned": _l("abandoned"), "rejected": _l("rejected"), "registered": _l("registered"),
    "dispatched": _l("dispatched"), "returned": _l("sent back"), "in_progress": _l("in progress"),
    "replied": _l("replied"), "awaiting_visit": _l("awaiting return visit"),
    "closed": _l("closed"), "merged": _l("merged"),
}
_TABLES = {"show": SHOW_TRANSITIONS, "call": CALL_TRANSITIONS, "case": CASE_TRANSITIONS}


def state_name(state):
    """A state's name for people, in the current language."""
    return str(_STATE_NAMES.get(str(state), str(state)))


_CASE_STATE_NAMES = {"rejected": _l("not accepted")}


def case_state_name(state):
    """A case state's name for people (a rejected case is "not accepted", not "screened out")."""
    return str(_CASE_STATE_NAMES.get(str(state)) or state_name(state))


def can_transition(kind, current, target):
    """Whether the table of `kind` allows moving from `current` to `target`."""
    return (current, target) in _TABLES[kind]


def _name(kind, state):
    return case_state_name(state) if kind == "case" else state_name(state)


def transition(kind, current, target):
    """Return `target` if the move is allowed, else raise IllegalTransition with a readable message."""
    if not can_transition(kind, current, target):
        raise IllegalTransition(
            _("This %(kind)s is %(current)s and cannot become %(target)s.",
              kind=_KIND_NAMES[kind], current=_name(kind, current),
              target=_name(kind, target)))
    return target
