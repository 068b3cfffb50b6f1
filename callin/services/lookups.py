"""Read-only lists for forms and pages (towns, categories, departments)."""
from sqlalchemy import select

from ..extensions import db
from ..models import Category, Department, Town


def reference_lists():
    """Towns with their communities, the category tree and the active departments."""
    towns = db.session.scalars(select(Town).order_by(Town.id)).all()
    tops = db.session.scalars(select(Category).where(Category.parent_id.is_(None))
                              .order_by(Category.id)).all()
    departments = db.session.scalars(select(Department).where(Department.is_active.is_(True))
                                     .order_by(Department.id)).all()
    return {
        "towns": [{"id": t.id, "name": t.name,
                   "communities": [{"id": c.id, "name": c.name} for c in t.communities]}
                  for t in towns],
        "categories": [{"id": c.id, "name": c.name,
                        "children": [{"id": k.id, "name": k.name} for k in c.children]}
                       for c in tops],
        "departments": [{"id": d.id, "name": d.name, "code": d.code} for d in departments],
    }
