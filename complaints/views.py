"""The form, its confirmation page, and clear pages for too many tries and too much data."""
import time
from datetime import datetime, timezone

from flask import current_app, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded

from callin import phones
from callin.errors import ValidationError
from callin.extensions import limiter
from callin.i18n import local_time
from callin.services import complaints, lookups, photos

from . import bp

DONE_KEY = "complaint_done"
#: How long the confirmation stays readable in this browser's session.
DONE_FOR_S = 3600


def _limit():
    return current_app.config["COMPLAINT_RATE_LIMIT"]


def _private(body, status=200):
    """Personal data and codes: kept out of caches and out of Referer headers."""
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _form(values=None, errors=None, message=None, status=200):
    return _private(render_template(
        "complaints/new.html", values=values or {}, errors=errors or {}, message=message,
        reference=lookups.reference_lists(), honeypot=complaints.HONEYPOT,
        max_photos=photos.MAX_PHOTOS, max_photo_bytes=photos.MAX_PHOTO_BYTES,
        limits=complaints.LIMITS,
        photos_sent=any(f.filename for f in request.files.getlist("photos"))), status)


@bp.route("/new", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def new():
    if request.method == "GET":
        return _form()
    try:
        case = complaints.file_complaint(request.form, request.files.getlist("photos"))
    except ValidationError as error:
        return _form(complaints.typed(request.form), error.fields, error.message, 400)
    except photos.PhotoStoreError as error:
        return _form(complaints.typed(request.form), {}, error.message, error.status)
    session[DONE_KEY] = {"number": case.number, "code": case.lookup_code,
                         "phone": phones.mask(case.citizen_phone), "at": int(time.time())}
    return redirect(url_for(".done"), 303)


@bp.get("/done")
def done():
    """The case number and code, from this browser's own signed session only."""
    filed = session.get(DONE_KEY)
    if not filed or time.time() - filed.get("at", 0) > DONE_FOR_S:
        session.pop(DONE_KEY, None)
        return _private(render_template("complaints/done.html", filed=None), 404)
    return _private(render_template("complaints/done.html", filed=filed))


@bp.errorhandler(RateLimitExceeded)
def too_many(error):
    """The 429 page: the limit in words, and when this address may send again."""
    current = limiter.current_limit
    reset_at = current.reset_at if current else int(time.time()) + 600
    wait_min = max(1, -(-(reset_at - int(time.time())) // 60))
    when = local_time(datetime.fromtimestamp(reset_at, timezone.utc))
    return _private(render_template("complaints/problem.html", status=429,
                                    title=_("Too many complaints from this network"),
                                    message=_("To keep the form open for everyone, one network "
                                              "address may send only a few complaints in a "
                                              "while. Try again in %(minutes)s minutes (after "
                                              "%(time)s, Beijing time).",
                                              minutes=wait_min, time=when),
                                    retry_minutes=wait_min), 429)


@bp.errorhandler(413)
def too_large(error):
    """The 413 page: what the limits are; nothing was saved."""
    message = _("What you sent is larger than the form accepts. Each photo may be at most 5 MB "
                "and you may add at most %(n)s photos. Nothing was saved: go back, choose "
                "smaller photos and send the form again.", n=photos.MAX_PHOTOS)
    return _private(render_template("complaints/problem.html", status=413,
                                    title=_("The photos are too large"), message=message), 413)
