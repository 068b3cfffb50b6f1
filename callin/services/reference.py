"""Reference data kept by the admin: departments, towns, communities, categories."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from .. import policy
from ..errors import Conflict, NotFound, ValidationError
from ..extensions import db
from ..models import Category, Community, Department, Town
from ..validation import parse_id

KINDS = ("bureau", "utility", "town", "enterprise", "court")
_FIELD_NAMES = {"name": _l("name"), "code": _l("code")}


def _text(fields, name, limit, errors, required=True):
    value = str(fields.get(name) or "").strip()
    if required and not value:
        errors[name] = _("required")
    elif len(value) > limit:
        errors[name] = _("at most %(n)s characters", n=limit)
    return value


def _save(obj, unique=("name",)):
    """Commit `obj`; a clash on a unique column is a 409 naming the field."""
    db.session.add(obj)
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        text = str(error.orig).lower()
        field = next((f for f in unique if f in text), unique[0])
        raise Conflict(_("An entry with that %(field)s already exists.",
                         field=_FIELD_NAMES.get(field, field)),
                       fields={field: _("already used")}) from None
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
    return _save(dept, unique=("code", "name"))


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
    town_id = parse_id(fields.get("town_id"))
    town = db.session.get(Town, town_id) if town_id else None
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
    if fields.get("parent_id") not in (None, ""):
        parent_id = parse_id(fields["parent_id"])
        parent = db.session.get(Category, parent_id) if parent_id else None
        if parent is None or parent.parent_id is not None:
            errors["parent_id"] = _("a top-level category")
    if errors:
        raise ValidationError(_("The category was not saved."), errors)
    return _save(Category(name=name, parent_id=parent.id if parent else None))


def get_department(department_id):
    """The department with this id, or NotFound."""
    dept = db.session.get(Department, department_id)
    if dept is None:
        raise NotFound(_("Department %(id)s does not exist.", id=department_id))
    return dept


def list_departments(search=""):
    """Departments whose name or code contains `search`, active ones first, by name."""
    query = select(Department).order_by(Department.is_active.desc(), Department.name)
    search = str(search or "").replace("\x00", "").strip().lower()
    if search:
        query = query.where(func.lower(Department.name).contains(search, autoescape=True)
                            | func.lower(Department.code).contains(search, autoescape=True))
    return db.session.scalars(query).all()


def set_department_active(department_id, active, actor):
    """Activate or deactivate a department, keeping its other details."""
    policy.require(actor, "admin")
    dept = get_department(department_id)
    return save_department({"name": dept.name, "code": dept.code, "kind": dept.kind,
                            "is_active": bool(active)}, actor, department_id)


def list_towns():
    """Towns in the order they were entered, each with its communities loaded."""
    return db.session.scalars(select(Town).options(selectinload(Town.communities))
                              .order_by(Town.id)).all()


def category_tree():
    """Top-level categories in the order they were entered, each with its children loaded."""
    return db.session.scalars(select(Category).where(Category.parent_id.is_(None))
                              .options(selectinload(Category.children))
                              .order_by(Category.id)).all()


def reference_counts():
    """How many departments (and active ones), towns, communities and categories there are."""
    def count(model, *where):
        return db.session.scalar(select(func.count()).select_from(model).where(*where))
    return {"departments": count(Department),
            "active_departments": count(Department, Department.is_active.is_(True)),
            "towns": count(Town), "communities": count(Community),
            "categories": count(Category)}
