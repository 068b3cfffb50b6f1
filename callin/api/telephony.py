"""POST /api/v1/telephony/events: the signed, idempotent phone-system webhook."""
import hashlib
import hmac
import json

from flask import current_app, request
from flask_babel import gettext as _

from ..errors import Unauthorized, ValidationError
from ..services import telephony
from . import bp, ok, refuse_nul


def verify_signature(raw, secret, header):
    """Raise Unauthorized unless `header` is sha256=<HMAC-SHA256 of the raw body>."""
    expected = "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    if not header or not hmac.compare_digest(header.strip().lower(), expected):
        raise Unauthorized(_("Missing or wrong X-Callin-Signature."), code="bad_signature")


def signed_json(secret_name):
    """The verified JSON body of a signed webhook request."""
    raw = request.get_data(cache=True)
    verify_signature(raw, current_app.config[secret_name],
                     request.headers.get("X-Callin-Signature"))
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ValidationError(_("The body is not valid JSON.")) from None
    return refuse_nul(data)


@bp.post("/telephony/events", endpoint="telephony_event")
def telephony_event():
    return ok({"call_id": telephony.handle_event(signed_json("TELEPHONY_SECRET"))})
