"""Reference data kept by the admin: departments, towns, communities, categories."""
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from .. import policy
from ..errors import Conflict, NotFound, ValidationError
from ..extensions import db
from ..models import Category, Community, Department, Town

KINDS = ("bureau", "utility", "town", "enterprise", "court")


def _text(fields, name, limit, errors, required=True):
    value = str(fields.get(name) or "").strip()
    if required and not value:
        errors[name] = _("required")
    elif len(value) > limit:
        errors[name] = _("at most %(n)s characters", n=limit)
    return value


def _save(obj):
    db.session.add(obj)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("An entry with that name already exists.")) from None
    return obj


def save_department(fields, actor, department_id=None):
    """Create or update a department."""
    policy.require(actor, "admin")
    errors = {}
    name = _text(fields, "name", 100, errors)
    code = _text(fields, "code", 64, errors)
    kind = fields.get("kind") or "bureau"
    if kind not in KINDS:
        errors["kind"] = _("one of %(kinds)s", kinds=", ".join(KINDS))
    if errors:
        raise ValidationError(_("The department was not saved."), errors)
    dept = db.session.get(Department, department_id) if department_id else Department()
    if dept is None:
        raise NotFound(_("Department %(id)s does not exist.", id=department_id))
    dept.name, dept.code, dept.kind = name, code, kind
    dept.is_active = bool(fields.get("is_active", True))
    return _save(dept)


def save_town(fields, actor):
    """Add a town."""
    policy.require(actor, "admin")
    errors = {}
    name = _text(fields, "name", 50, errors)
    if errors:
        raise ValidationError(_("The town was not saved."), errors)
    return _save(Town(name=name))


def save_community(fields, actor):
    """Add a community or village to a town."""
    policy.require(actor, "admin")
    errors = {}
    name = _text(fields, "name", 50, errors)
    town = db.session.get(Town, int(fields["town_id"])) \
        if str(fields.get("town_id", "")).isdigit() else None
    if town is None:
        errors["town_id"] = _("unknown town")
    if errors:
        raise ValidationError(_("The community was not saved."), errors)
    return _save(Community(name=name, town_id=town.id))


def save_category(fields, actor):
    """Add a top-level category, or a child under a top-level one."""
    policy.require(actor, "admin")
    errors = {}
    name = _text(fields, "name", 50, errors)
    parent = None
    if str(fields.get("parent_id") or "").isdigit():
        parent = db.session.get(Category, int(fields["parent_id"]))
        if parent is None or parent.parent_id is not None:
            errors["parent_id"] = _("a top-level category")
    if errors:
        raise ValidationError(_("The category was not saved."), errors)
    return _save(Category(name=name, parent_id=parent.id if parent else None))
