"""Users: create, authenticate with throttling, API tokens."""
import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..errors import Conflict, Throttled, Unauthorized, ValidationError
from ..extensions import db
from ..models import ROLES, ApiToken, Department, LoginAttempt, User
from ..models.base import utcnow


def create_user(username, password, role, display_name="", department_id=None):
    """Create a user with a hashed password; the username must be new."""
    errors = {}
    username = (username or "").strip()
    if not username or len(username) > 64:
        errors["username"] = _("1 to 64 characters")
    if not password or len(password) < 8:
        errors["password"] = _("at least 8 characters")
    if role not in ROLES:
        errors["role"] = _("one of %(roles)s", roles=", ".join(ROLES))
    if department_id is not None and db.session.get(Department, department_id) is None:
        errors["department_id"] = _("unknown department")
    if errors:
        raise ValidationError(_("The user was not created."), errors)
    user = User(username=username, role=role, display_name=display_name or username,
                department_id=department_id)
    user.set_password(password)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("The username %(name)s is taken.", name=username)) from None
    return user


def _recent_failures(column, value, since):
    return db.session.scalar(select(func.count()).select_from(LoginAttempt).where(
        column == value, LoginAttempt.succeeded.is_(False), LoginAttempt.at >= since))


def authenticate(username, password, ip=""):
    """The user for these credentials; throttled after repeated failures, 401 when wrong."""
    config = current_app.config
    window = config["LOGIN_FAILURE_WINDOW_S"]
    since = utcnow() - timedelta(seconds=window)
    username = str(username or "").strip()[:64]
    limit = config["LOGIN_MAX_FAILURES"]
    if (_recent_failures(LoginAttempt.username, username, since) >= limit
            or (ip and _recent_failures(LoginAttempt.ip, ip, since) >= limit * 4)):
        raise Throttled(_("Too many failed logins. Try again in %(m)s minutes.",
                          m=max(1, window // 60)), retry_after=window)
    user = db.session.scalars(select(User).where(User.username == username)).first()
    ok = bool(user and user.is_enabled and isinstance(password, str)
              and user.check_password(password))
    db.session.add(LoginAttempt(username=username, ip=ip[:64], succeeded=ok))
    db.session.commit()
    if not ok:
        raise Unauthorized(_("Wrong username or password."))
    return user


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user):
    """A new bearer token for the user; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    expires = utcnow() + timedelta(hours=current_app.config["TOKEN_TTL_HOURS"])
    db.session.add(ApiToken(user_id=user.id, token_hash=_hash(token), expires_at=expires))
    db.session.commit()
    return token, expires


def user_for_token(token):
    """The enabled user a valid, unexpired token belongs to, or None."""
    if not token or not isinstance(token, str):
        return None
    row = db.session.scalars(select(ApiToken).where(ApiToken.token_hash == _hash(token))).first()
    if row is None or row.expires_at <= utcnow() or not row.user.is_enabled:
        return None
    return row.user
