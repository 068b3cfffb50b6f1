"""Errors: JSON for the API, a page for people; never a stack trace."""
from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .errors import DomainError
from .extensions import db


def _wants_json():
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _message_for(error):
    """A translated explanation of the common HTTP errors; Werkzeug's own text otherwise."""
    messages = {
        403: _("Your role may not open this page."),
        404: _("There is nothing at this address. Check the link or the number."),
        405: _("This address does not accept that kind of request."),
        413: _("What you sent is too large."),
    }
    return messages.get(error.code, error.description)


def register(app):
    """Install the error handlers on the app."""

    @app.errorhandler(DomainError)
    def domain_error(error):
        db.session.rollback()
        if _wants_json():
            response = jsonify(error.to_dict())
        else:
            response = render_template("error.html", message=error.message, status=error.status)
        response = app.make_response((response, error.status))
        if getattr(error, "retry_after", None):
            response.headers["Retry-After"] = str(error.retry_after)
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        message = _("The form expired or came from elsewhere. Reload the page and try again.")
        if _wants_json():
            return jsonify({"error": {"code": "csrf", "message": message, "fields": {}}}), 400
        return render_template("error.html", message=message, status=400), 400

    @app.errorhandler(HTTPException)
    def http_error(error):
        message = _message_for(error)
        if _wants_json():
            return jsonify({"error": {"code": error.name.lower().replace(" ", "_"),
                                      "message": message, "fields": {}}}), error.code
        return render_template("error.html", message=message, status=error.code), error.code

    @app.errorhandler(Exception)
    def unexpected(error):
        db.session.rollback()
        app.logger.exception("unhandled error")
        message = _("Something went wrong on our side; nothing was saved. Try again.")
        if _wants_json():
            return jsonify({"error": {"code": "internal", "message": message, "fields": {}}}), 500
        return render_template("error.html", message=message, status=500), 500
