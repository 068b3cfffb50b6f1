"""How a request is tied to a user: the session cookie, or a bearer token on API calls."""
from flask import request
from flask_babel import lazy_gettext

from ..extensions import db
from ..models import User
from ..services.users import user_for_token


def bearer_token():
    """The token of an `Authorization: Bearer ...` header, or None."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return None


def install(login_manager):
    """Register the session and token loaders on the login manager."""
    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("Please log in to see this page.")

    @login_manager.user_loader
    def load_user(user_id):
        user = db.session.get(User, int(user_id))
        return user if user and user.is_enabled else None

    @login_manager.request_loader
    def load_from_token(req):
        return user_for_token(bearer_token())
