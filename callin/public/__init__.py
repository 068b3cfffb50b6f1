"""Public pages: the now-on-air page for the web audience (no personal data), and its message form."""
import re
import secrets

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..errors import Conflict, ValidationError
from ..extensions import limiter
from ..services import inbox

bp = Blueprint("public", __name__)

_KEY = re.compile(r"[0-9a-f]{32}")
FORM_FIELDS = ("name", "phone", "text")


def _page(values=None, errors=None, message=None, status=200):
    show = inbox.live_show()
    values = values or {}
    # A fresh key per form shown; the same form sent twice is one message.
    key = values.get("key") if _KEY.fullmatch(values.get("key") or "") else secrets.token_hex(16)
    return render_template("public/onair.html", show=show, values=values, errors=errors or {},
                           form_message=message, form_key=key), status


@bp.get("/onair")
def now_on_air():
    return _page()


def _rate_limit():
    return current_app.config["ONAIR_MESSAGE_RATE_LIMIT"]


def _too_many():
    return _("You have sent several messages in a short time. Wait a few minutes and try again.")


@bp.post("/onair")
@limiter.limit(_rate_limit, methods=["POST"], error_message=_too_many)
def send_message():
    values = {name: request.form.get(name, "") for name in FORM_FIELDS + ("key",)}
    if request.form.get("website"):
        # The honeypot: people do not see this field; a robot that fills it is told it worked.
        return redirect(url_for("public.now_on_air") + "#message")
    try:
        inbox.message_to_studio(values, values["key"] if _KEY.fullmatch(values["key"])
                                else secrets.token_hex(16))
    except ValidationError as error:
        return _page(values, error.fields, error.message, 400)
    except Conflict as error:
        return _page(values, {}, error.message, 409)
    flash(_("Your message reached the studio. Thank you!"), "success")
    return redirect(url_for("public.now_on_air") + "#message")
