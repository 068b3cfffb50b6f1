"""Locale and time zone selection, and the time filters templates use."""
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_request_context, request, session

SHANGHAI = ZoneInfo("Asia/Shanghai")


def select_locale():
    """The language chosen in this session (?lang= or the switcher), Chinese by default."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return languages[0]
    wanted = request.args.get("lang")
    if wanted in languages:
        session["lang"] = wanted
    return session.get("lang") if session.get("lang") in languages else languages[0]


def select_timezone():
    return "Asia/Shanghai"


def local_time(value, fmt="%Y-%m-%d %H:%M"):
    """An aware UTC datetime (or its ISO-8601 text) shown in Asia/Shanghai."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.astimezone(SHANGHAI).strftime(fmt)
