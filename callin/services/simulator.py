"""Realistic phone-system events, for trying the studio without a phone system."""
import itertools
import random
import uuid
from datetime import datetime, timezone

import phonenumbers
from flask import current_app
from flask_babel import gettext as _

from .. import phones, policy
from ..errors import Conflict, Forbidden
from . import telephony

# Mobile prefixes of Weifang and of other places, so the geography warning shows up.
HOME_PREFIXES = ("1385366", "1395360", "1370536", "1505366", "1866360", "1336366")
AWAY_PREFIXES = ("1391234", "1381000", "1590210", "1862040")
_counter = itertools.count(1)


def _number(rng, home_area):
    prefixes = HOME_PREFIXES if rng.random() < 0.85 else AWAY_PREFIXES
    for _attempt in range(20):
        if rng.random() < 0.15 and prefixes is HOME_PREFIXES:
            candidate = "0536" + str(rng.randint(2000000, 8999999))
        else:
            candidate = rng.choice(prefixes) + f"{rng.randint(0, 9999):04d}"
        parsed = phonenumbers.parse(candidate, "CN")
        if not phonenumbers.is_valid_number(parsed):
            continue
        place = phones.geography(phonenumbers.format_number(
            parsed, phonenumbers.PhoneNumberFormat.E164))
        if (home_area in place) == (prefixes is HOME_PREFIXES):
            return candidate
    return candidate


def ringing_event(rng=None, home_area="潍坊", line=None):
    """The body of a `ringing` event for a new simulated call."""
    rng = rng or random.Random()
    return {"event": "ringing", "call_ref": "sim-" + uuid.uuid4().hex[:16],
            "line": line if line is not None else rng.randint(1, 8),
            "caller": _number(rng, home_area),
            "at": datetime.now(timezone.utc).isoformat()}


def hangup_event(ringing):
    """The `hangup` that follows a simulated ringing event."""
    return {**ringing, "event": "hangup", "at": datetime.now(timezone.utc).isoformat()}


def ring_once(show_id, actor):
    """Demo-mode button: one simulated call rings on the live show, via the webhook's code path."""
    policy.require(actor, "screen")
    if not current_app.config["DEMO_MODE"]:
        raise Forbidden(_("The call simulator is only available in demo mode."))
    body = ringing_event(home_area=current_app.config["HOME_AREA"], line=next(_counter) % 8 + 1)
    call_id = telephony.handle_event(body)
    if call_id is None:
        raise Conflict(_("No live show has its lines open; open the lines first."),
                       code="lines_closed")
    return call_id
