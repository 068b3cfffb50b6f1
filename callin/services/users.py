"""Users: create, edit, enable or disable, authenticate with throttling, API tokens."""
import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from .. import policy
from ..errors import Conflict, NotFound, Throttled, Unauthorized, ValidationError
from ..extensions import db
from ..models import ROLES, ApiToken, Department, LoginAttempt, Station, User
from ..models.base import utcnow
from ..validation import parse_id


def create_user(username, password, role, display_name="", department_id=None, station_id=None):
    """Create a user with a hashed password; the username must be new.

    Only a station user may have a station (the admin form and `flask create-user` also
    require one for that role)."""
    errors = {}
    username = (username or "").strip()
    if not username or len(username) > 64:
        errors["username"] = _("1 to 64 characters")
    if not password or len(password) < 8:
        errors["password"] = _("at least 8 characters")
    if role not in ROLES:
        errors["role"] = _("one of %(roles)s", roles=", ".join(ROLES))
    if len(display_name or "") > 100:
        errors["display_name"] = _("at most %(n)s characters", n=100)
    if department_id is not None and (parse_id(department_id) is None
                                      or db.session.get(Department, department_id) is None):
        errors["department_id"] = _("unknown department")
    if station_id is not None:
        _station_id(station_id, role, errors, need_station=False)
    if errors:
        raise ValidationError(_("The user was not created."), errors)
    user = User(username=username, role=role, display_name=display_name or username,
                department_id=department_id, station_id=station_id)
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


#: Roles that act for one department and so must belong to one.
DEPARTMENT_ROLES = ("guest", "department")


def list_users():
    """Every user, by role and then username."""
    return db.session.scalars(select(User).order_by(User.role, User.username)).all()


def get_user(user_id):
    """The user with this id, or NotFound."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("User %(id)s does not exist.", id=user_id))
    return user


def _department_id(value, errors):
    """A department id from a form value ("" for none), checked to exist."""
    if value in (None, ""):
        return None
    department_id = parse_id(value)
    if department_id is None or db.session.get(Department, department_id) is None:
        errors["department_id"] = _("unknown department")
        return None
    return department_id


def _station_id(value, role, errors, need_station=True):
    """A station id from a form value: required for station users, refused for the others."""
    station_id = None if value in (None, "") else parse_id(value)
    if value not in (None, "") and (station_id is None
                                    or db.session.get(Station, station_id) is None):
        errors["station_id"] = _("unknown station")
        return None
    if station_id is not None and role != "station":
        errors["station_id"] = _("only liaison station users belong to a station")
    elif station_id is None and role == "station" and need_station:
        errors["station_id"] = _("required for liaison station users")
    return station_id


def _check_profile(fields, role, errors, need_department=True):
    """Check display name, role and department together; return (display_name, department_id)."""
    display_name = str(fields.get("display_name") or "").strip()
    if len(display_name) > 100:
        errors["display_name"] = _("at most %(n)s characters", n=100)
    department_id = _department_id(fields.get("department_id"), errors)
    if role not in ROLES:
        errors["role"] = _("one of %(roles)s", roles=", ".join(ROLES))
    elif (need_department and role in DEPARTMENT_ROLES and department_id is None
          and "department_id" not in errors):
        errors["department_id"] = _("required for this role")
    return display_name, department_id


def add_user(fields, actor):
    """Create a user from the admin's form: username, display name, role, department, password."""
    policy.require(actor, "admin")
    errors = {}
    # The same checks create_user makes, so that every problem is reported at once.
    username = str(fields.get("username") or "").strip()
    if not username or len(username) > 64:
        errors["username"] = _("1 to 64 characters")
    if len(str(fields.get("password") or "")) < 8:
        errors["password"] = _("at least 8 characters")
    role = fields.get("role")
    display_name, department_id = _check_profile(fields, role, errors)
    station_id = _station_id(fields.get("station_id"), role, errors)
    if errors:
        raise ValidationError(_("The user was not created."), errors)
    return create_user(username, fields["password"], role, display_name, department_id,
                       station_id)


def update_user(user_id, fields, actor):
    """Change a user's display name, role, department and, when given, password."""
    policy.require(actor, "admin")
    user = get_user(user_id)
    errors = {}
    role = fields.get("role", user.role)
    display_name, department_id = _check_profile(
        {"display_name": fields.get("display_name", user.display_name),
         "department_id": fields.get("department_id", user.department_id)}, role, errors,
        need_department="role" in fields or "department_id" in fields)
    station_id = _station_id(fields.get("station_id", user.station_id), role, errors,
                             need_station="role" in fields or "station_id" in fields)
    password = fields.get("password")
    if password is not None and len(password) < 8:
        errors["password"] = _("at least 8 characters")
    if user.id == actor.id and role != user.role:
        errors["role"] = _("you cannot change your own role")
    if errors:
        raise ValidationError(_("The user was not saved."), errors)
    user.display_name = display_name or user.username
    user.role, user.department_id, user.station_id = role, department_id, station_id
    if password is not None:
        user.set_password(password)
    db.session.commit()
    return user


def set_user_enabled(user_id, enabled, actor):
    """Enable or disable a user; a disabled user can neither log in nor use a token."""
    policy.require(actor, "admin")
    user = get_user(user_id)
    if not isinstance(enabled, bool):
        raise ValidationError(_("Say whether the user is enabled (true or false)."),
                              {"enabled": _("true or false")})
    if user.id == actor.id and not enabled:
        raise Conflict(_("You cannot disable your own account."), code="own_account")
    user.is_enabled = enabled
    db.session.commit()
    return user
