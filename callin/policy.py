"""Who may do what: the role rules for the live show, in one place."""
from flask_babel import gettext as _

from .errors import Forbidden, Unauthorized

#: Which filtered view of a live show each role gets.
AUDIENCE_BY_ROLE = {
    "admin": "producer",
    "producer": "producer",
    "host": "host",
    "office": "host",
    "guest": "guest",
    "department": "public",
    "station": "public",
    "field": "public",
}
AUDIENCES = ("producer", "host", "guest", "public")

PERMISSIONS = {
    "screen": ("admin", "producer"),        # call cards, queue order, lines, flags
    "air": ("host",),                       # only the host puts a call on air or ends it
    "outcome": ("admin", "producer", "host"),
    "note": ("admin", "producer", "host", "guest"),
    "manage_shows": ("admin", "producer"),
    "view_history": ("admin", "producer"),
    "report": ("admin", "producer", "host", "office"),
    "admin": ("admin",),
    "case_office": ("admin", "office"),       # register, dispatch, review, return visits, reveal
    "case_department": ("department",),       # sign, send back, note, reply, ask for more time
    "case_read": ("admin", "office", "department", "field", "station"),
    "case_intake": ("admin", "office", "station"),  # register reports, link them to open cases
}


def sees_case(user, case):
    """Whether a user may see a case: the office all, a department only its own (lead or co)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.role in ("admin", "office"):
        return True
    if user.role == "department":
        return any(link.department_id == user.department_id for link in case.departments)
    if user.role == "field":
        return case.needs_field_visit
    if user.role == "station":
        # A station follows every case it filed, whoever at the station filed it.
        return user.station_id is not None and case.station_id == user.station_id
    return False


def sees_internal_notes(user):
    """Whether this user reads a case's internal notes and handling steps, not only its public
    trail: the office and the departments that handle cases; stations and field teams do not."""
    return user.role in ("admin", "office", "department")


def masks_citizen(user):
    """Whether this user sees citizens' names and phone numbers masked (until a logged reveal)."""
    return user.role not in ("admin", "office")


def audience_for(user, show):
    """The view of `show` this user may see; a guest sees only their own department's show."""
    if user is None or not getattr(user, "is_authenticated", False):
        return "public"
    audience = AUDIENCE_BY_ROLE.get(user.role, "public")
    if audience == "guest" and user.department_id != show.department_id:
        return "public"
    return audience


def narrowed(audience, requested):
    """The audience to serve when a client asks for `requested`: it may only ask for less."""
    return "public" if requested == "public" else audience


def can(user, permission):
    """Whether the user's role carries `permission`."""
    return bool(user and getattr(user, "is_authenticated", False)
                and user.role in PERMISSIONS[permission])


def require(user, permission):
    """Raise Unauthorized or Forbidden unless the user may do `permission`."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise Unauthorized(_("Log in first."))
    if user.role not in PERMISSIONS[permission]:
        from .vocabulary import ROLE_LABELS
        raise Forbidden(_("Your role (%(role)s) may not do this.",
                          role=ROLE_LABELS.get(user.role, user.role)))
