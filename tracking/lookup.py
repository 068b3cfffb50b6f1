"""What a citizen types into the tracking form, tidied; and how far along the case is."""
import unicodedata

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from callin.states import CaseState
from callin.states import case_state_name as state_name

#: The closed loop as a citizen sees it; a case sent back waits with the office again.
PROGRESS = (CaseState.REGISTERED, CaseState.DISPATCHED, CaseState.IN_PROGRESS,
            CaseState.REPLIED, CaseState.AWAITING_VISIT, CaseState.CLOSED)
_WHERE = {CaseState.RETURNED: CaseState.DISPATCHED}
EXPLANATIONS = {
    CaseState.REGISTERED: _l("Your case is registered and will be sent to the department "
                             "responsible."),
    CaseState.DISPATCHED: _l("Your case has been sent to the department responsible."),
    CaseState.RETURNED: _l("The office is deciding which department will handle your case."),
    CaseState.IN_PROGRESS: _l("The department is working on your case."),
    CaseState.REPLIED: _l("The department has replied; the office is checking the reply."),
    CaseState.AWAITING_VISIT: _l("The office will call you to ask whether the problem is "
                                 "solved."),
    CaseState.CLOSED: _l("Your case is closed."),
    CaseState.MERGED: _l("Your case was joined with another report of the same problem and is "
                         "handled together with it."),
    CaseState.REJECTED: _l("Your request could not be taken on as a case."),
}
STEP_KINDS = {"note": _l("Progress update")}


def fields(source):
    """The case number and code as typed, tidied: full-width digits, spaces, a missing dash."""
    number = unicodedata.normalize("NFKC", str(source.get("number") or ""))
    number = "".join(number.split()).replace("—", "-").replace("－", "-")
    if len(number) == 8 and number.isdigit():
        number = number[:4] + "-" + number[4:]
    code = "".join(unicodedata.normalize("NFKC", str(source.get("code") or "")).split())
    return {"number": number[:20], "code": code[:20]}


def problems(form):
    """Field problems that need no lookup; a well-formed but wrong pair is for the lookup."""
    errors = {}
    if not form["number"]:
        errors["number"] = _("required")
    if not form["code"]:
        errors["code"] = _("required")
    elif not (form["code"].isascii() and form["code"].isdigit() and len(form["code"]) == 6):
        errors["code"] = _("6 digits")
    return errors


def progress(state):
    """[(name, "done"|"current"|"todo")] along the loop, or [] for a merged or rejected case."""
    where = _WHERE.get(state, state)
    if where not in PROGRESS:
        return []
    reached = PROGRESS.index(where)
    return [(state_name(step), "done" if i < reached or where == CaseState.CLOSED
             else "current" if i == reached else "todo")
            for i, step in enumerate(PROGRESS)]


def step_name(step):
    """A public step of the trail in words."""
    if step.get("to_state"):
        return state_name(step["to_state"])
    return str(STEP_KINDS.get(step.get("kind"), _("Update")))
