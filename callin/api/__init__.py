"""JSON API v1: parse, authorize, call one service, serialize."""
from flask import Blueprint, current_app, jsonify, request
from flask_babel import gettext as _

from ..auth.loaders import bearer_token
from ..errors import ValidationError
from ..extensions import csrf
from ..validation import has_nul

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

#: Endpoints authenticated by their own signature rather than a user.
SIGNED_ENDPOINTS = {"api.telephony_event", "api.token", "api.sms_inbound"}


@bp.before_request
def _csrf_for_cookie_sessions():
    """Pages call the API with the session cookie: those writes need the CSRF token too."""
    if request.method in ("GET", "HEAD", "OPTIONS") or request.endpoint in SIGNED_ENDPOINTS:
        return
    if bearer_token() is None and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()


def body():
    """The request's JSON object, or a 400 that says what is wrong."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationError(_("Send a JSON object with Content-Type: application/json."))
    return refuse_nul(data)


def refuse_nul(data):
    """The data unchanged, or a 400 when text holds NUL characters (nobody types them)."""
    if has_nul(data):
        raise ValidationError(_("The text contains NUL characters; remove them and try again."))
    return data


def optional_body():
    """The request's JSON object when one was sent, else an empty one."""
    data = request.get_json(silent=True)
    return refuse_nul(data) if isinstance(data, dict) else {}


def ok(payload, status=200):
    return jsonify(payload), status


from . import (auth, calls, cases, inbox, intake, openapi, reference, shows, sms,  # noqa: E402,F401
               telephony)
