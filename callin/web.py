"""Role-neutral pages: home, health check, language switch."""
from flask import Blueprint, jsonify, redirect, render_template, request, url_for
from werkzeug.routing import IntegerConverter
from flask_login import current_user
from sqlalchemy import text

from .auth.views import home_for
from .extensions import db
from .i18n import local_time
from .validation import MAX_ID
from .vocabulary import ROLE_LABELS, live_words

bp = Blueprint("web", __name__)


class IdConverter(IntegerConverter):
    """A row id in a URL: a 32-bit positive integer, so a longer number is a plain 404."""

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=MAX_ID)


def role_label(role):
    """A role's name for people."""
    return ROLE_LABELS.get(role, role)


@bp.get("/")
def index():
    if current_user.is_authenticated and request.args.get("stay") is None:
        return redirect(home_for(current_user))
    return render_template("index.html")


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
        db.session.commit()
    except Exception as error:  # any database failure means "not healthy"
        db.session.rollback()
        return jsonify({"status": "unavailable", "database": type(error).__name__}), 503
    return jsonify({"status": "ok", "database": db.engine.dialect.name})


@bp.get("/lang/<code>")
def switch_language(code):
    target = request.args.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("web.index")
    return redirect(target + ("&" if "?" in target else "?") + "lang=" + code)


def register(app):
    """Register the blueprint and the template helpers."""
    from flask_babel import get_locale

    app.register_blueprint(bp)
    app.add_template_filter(local_time, "local_time")
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["live_words"] = live_words
    app.jinja_env.globals["role_label"] = role_label
