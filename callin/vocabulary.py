"""The live show's words that every screen shows, translated once for templates and scripts."""
from flask_babel import gettext as _

from .services.notes import CANNED


def live_words(**page_words):
    """States, outcomes, roles, recipients and canned notes in the viewer's language, plus a page's own words."""
    words = {
        "states": {"scheduled": _("scheduled"), "live": _("live"), "ended": _("ended"),
                   "ringing": _("ringing"), "screening": _("screening"), "ready": _("ready"),
                   "on_air": _("on air"), "done": _("done"), "dropped": _("dropped"),
                   "abandoned": _("abandoned"), "rejected": _("rejected")},
        "outcomes": {"answered": _("Answered on air"), "commitment": _("Commitment"),
                     "field_visit": _("Field visit"), "no_issue": _("No issue")},
        "roles": {"admin": _("admin"), "producer": _("producer"), "host": _("host"),
                  "guest": _("guest"), "office": _("office"), "department": _("department"),
                  "station": _("station"), "field": _("field team")},
        "recipients": {"all": _("everyone"), "host": _("host"), "guest": _("guest"),
                       "producer": _("producer")},
        "canned": {code: str(text) for code, text in CANNED.items()},
    }
    words.update(page_words)
    return words
