"""The live show's words that every screen shows, translated once for templates and scripts."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .services.notes import CANNED


ROLE_LABELS = {
    "admin": _l("Administrator"), "producer": _l("Producer"), "host": _l("Host"),
    "guest": _l("Guest"), "office": _l("Conduct office"), "department": _l("Department liaison"),
    "station": _l("Liaison station"), "field": _l("Field team"),
}


def live_words(**page_words):
    """States, outcomes, roles, recipients and canned notes in the viewer's language, plus a page's own words."""
    words = {
        "states": {"scheduled": _("scheduled"), "live": _("live"), "ended": _("ended"),
                   "ringing": _("ringing"), "screening": _("screening"), "ready": _("ready"),
                   "on_air": _("on air"), "done": _("done"), "dropped": _("dropped"),
                   "abandoned": _("abandoned"), "rejected": _("rejected")},
        "outcomes": {"answered": _("Answered on air"), "commitment": _("Commitment"),
                     "field_visit": _("Field visit"), "no_issue": _("No issue")},
        "roles": {role: str(label) for role, label in ROLE_LABELS.items()},
        "recipients": {"all": _("everyone"), "host": _("host"), "guest": _("guest"),
                       "producer": _("producer")},
        "canned": {code: str(text) for code, text in CANNED.items()},
    }
    words.update(page_words)
    return words
