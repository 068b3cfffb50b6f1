"""The /live namespace: thin handlers that authenticate, authorize and hand back state."""
from flask import session
from flask_socketio import ConnectionRefusedError, Namespace, join_room, leave_room, rooms

from .. import policy
from ..errors import DomainError
from ..extensions import db
from ..models import User
from ..services import live
from ..services.users import user_for_token
from .rooms import department_room, show_room


def _cookie_user():
    """The user of the login session cookie (read afresh: g may outlive one connection)."""
    user_id = session.get("_user_id")
    user = db.session.get(User, int(user_id)) if str(user_id or "").isdigit() else None
    return user if user is not None and user.is_enabled else None


def _token(auth):
    return auth.get("token") if isinstance(auth, dict) else None


class LiveNamespace(Namespace):
    """Screens connect here and `watch` a show; the server then pushes `queue` on every change."""

    def on_connect(self, auth=None):
        token = _token(auth)
        if token:
            user = user_for_token(token)
            if user is None:
                raise ConnectionRefusedError("invalid or expired token")
        else:
            user = _cookie_user()
        session["live_user_id"] = user.id if user else None
        if user is not None and user.role == "department" and user.department_id:
            join_room(department_room(user.department_id))

    def on_watch(self, data):
        try:
            show_id = int((data or {}).get("show_id"))
        except (TypeError, ValueError, AttributeError):
            return {"error": {"code": "validation", "message": "show_id is required"}}
        user_id = session.get("live_user_id")
        user = db.session.get(User, user_id) if user_id else None
        try:
            show = live.get_show(show_id)
            audience = policy.narrowed(policy.audience_for(user, show), data.get("audience"))
            for room in rooms():
                if room.startswith("show:"):
                    leave_room(room)
            join_room(show_room(show_id, audience))  # join first: no push can fall in a gap
            return live.read_state(show_id, audience)[1]
        except DomainError as error:
            return error.to_dict()
