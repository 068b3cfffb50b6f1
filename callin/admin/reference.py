"""Admin pages for reference data: departments, towns and communities, categories."""
from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.decorators import roles_required
from ..services import reference as service
from . import bp, forms

DEPARTMENTS, DEPARTMENT = "admin/departments.html", "admin/department_form.html"
TOWNS, CATEGORIES = "admin/towns.html", "admin/categories.html"


@bp.get("/departments")
@roles_required("admin")
def departments():
    search = request.args.get("q", "")
    return forms.page(DEPARTMENTS, departments=service.list_departments(search), search=search)


@bp.get("/departments/new")
@roles_required("admin")
def new_department():
    return forms.page(DEPARTMENT, form=forms.department_form(), department=None)


@bp.post("/departments/new")
@roles_required("admin")
def create_department():
    form = forms.department_fields()

    def save():
        dept = service.save_department(form, current_user)
        return _("Department %(name)s created.", name=dept.name)
    return forms.submit(save, url_for(".departments"), DEPARTMENT, form=form, department=None)


@bp.get("/departments/<id:department_id>")
@roles_required("admin")
def edit_department(department_id):
    dept = service.get_department(department_id)
    return forms.page(DEPARTMENT, form=forms.department_form(dept), department=dept)


@bp.post("/departments/<id:department_id>")
@roles_required("admin")
def update_department(department_id):
    dept, form = service.get_department(department_id), forms.department_fields()

    def save():
        saved = service.save_department(form, current_user, department_id)
        return _("Department %(name)s saved.", name=saved.name)
    return forms.submit(save, url_for(".departments"), DEPARTMENT, form=form, department=dept)


@bp.post("/departments/<id:department_id>/active")
@roles_required("admin")
def set_department_active(department_id):
    active = request.form.get("active") == "1"

    def save():
        dept = service.set_department_active(department_id, active, current_user)
        if active:
            return _("%(name)s is active again.", name=dept.name)
        return _("%(name)s is inactive: it is no longer offered for new shows and users.",
                 name=dept.name)
    return forms.submit(save, url_for(".departments", q=request.args.get("q") or None),
                        DEPARTMENTS, departments=service.list_departments(), search="")


@bp.get("/towns")
@roles_required("admin")
def towns():
    return forms.page(TOWNS, towns=service.list_towns(), form={})


@bp.post("/towns")
@roles_required("admin")
def create_town():
    form = forms.pick("name")

    def save():
        return _("Town %(name)s added.", name=service.save_town(form, current_user).name)
    return forms.submit(save, url_for(".towns"), TOWNS, towns=service.list_towns(), form=form)


@bp.post("/towns/<id:town_id>/communities")
@roles_required("admin")
def create_community(town_id):
    form = dict(forms.pick("name"), town_id=str(town_id))

    def save():
        community = service.save_community(form, current_user)
        return _("%(name)s added to %(town)s.", name=community.name, town=community.town.name)
    return forms.submit(save, url_for(".towns", _anchor=f"town-{town_id}"), TOWNS,
                        towns=service.list_towns(), form=form)


@bp.get("/categories")
@roles_required("admin")
def categories():
    return forms.page(CATEGORIES, categories=service.category_tree(), form={})


@bp.post("/categories")
@roles_required("admin")
def create_category():
    form = forms.pick("name", "parent_id")

    def save():
        category = service.save_category(form, current_user)
        return _("Category %(name)s added.", name=category.full_name)
    return forms.submit(save, url_for(".categories"), CATEGORIES,
                        categories=service.category_tree(), form=form)
