"""The case tracker's words in the viewer's language, for templates and the page scripts."""
from flask_babel import gettext as _

from callin.states import CaseState
from callin.states import case_state_name as state_name

__all__ = ["case_words", "state_name", "event_label"]


def case_words():
    """Labels for every code a case carries (states, natures, channels, answers, trail steps)."""
    return {
        "states": {state.value: state_name(state) for state in CaseState},
        "natures": {"consultation": _("Consultation"), "help": _("Request for help"),
                    "complaint": _("Complaint"), "report": _("Report of wrongdoing"),
                    "suggestion": _("Suggestion")},
        "urgencies": {"normal": _("Normal"), "urgent": _("Urgent")},
        "channels": {"show": _("Live show"), "hotline": _("Hotline"), "sms": _("Text message"),
                     "web": _("Web form"), "station": _("Liaison station")},
        "resolved": {"yes": _("Resolved"), "partly": _("Partly resolved"),
                     "no": _("Not resolved")},
        "satisfaction": {"satisfied": _("Satisfied"), "basically": _("Basically satisfied"),
                         "unsatisfied": _("Unsatisfied")},
        "visit_results": {"reached": _("Reached"), "unreachable": _("Unreachable"),
                          "refused": _("Refused to answer")},
        "department_roles": {"lead": _("Lead"), "co": _("Co-handling")},
        "kinds": {"registered": _("Registered"), "note": _("Note"),
                  "linked_report": _("Report linked"),
                  "merged_in": _("A duplicate was merged in"),
                  "extension_requested": _("More time requested"),
                  "extension_approved": _("More time approved"),
                  "extension_refused": _("More time refused"),
                  "return_visit": _("Return visit")},
    }


# Steps named by the move they made; the rest are named by the state they reached.
_MOVES = {
    ("dispatched", "in_progress"): lambda: _("Signed"),
    ("replied", "in_progress"): lambda: _("Reply sent back by the office"),
    ("awaiting_visit", "in_progress"): lambda: _("Reopened"),
    ("replied", "awaiting_visit"): lambda: _("Reply accepted"),
    ("registered", "awaiting_visit"): lambda: _("Answered on the spot"),
}
_REACHED = {
    "dispatched": lambda: _("Dispatched"), "returned": lambda: _("Sent back"),
    "replied": lambda: _("Replied"), "closed": lambda: _("Closed"),
    "merged": lambda: _("Merged into another case"), "rejected": lambda: _("Not accepted"),
}


def event_label(event, words=None):
    """What one step of the trail did, in words."""
    if event["kind"] == "state":
        move = _MOVES.get((event["from_state"], event["to_state"]))
        reached = _REACHED.get(event["to_state"])
        return move() if move else reached() if reached else state_name(event["to_state"])
    kinds = (words or case_words())["kinds"]
    return kinds.get(event["kind"], event["kind"])
