"""Admin pages for users: list, create, edit, reset the password, enable or disable."""
from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.decorators import roles_required
from ..services import reference, stations
from ..services import users as service
from . import bp, forms

LIST, NEW, EDIT = "admin/users.html", "admin/user_new.html", "admin/user_edit.html"


def _choices(user=None):
    keep = user.department_id if user else None
    return {"departments": forms.department_choices(reference.list_departments(), keep),
            "stations": stations.station_choices(user.station_id if user else None)}


def _user_form(user):
    return dict(forms.user_form(user), station_id=user.station_id or "")


@bp.get("/users")
@roles_required("admin")
def users():
    return forms.page(LIST, users=service.list_users())


@bp.get("/users/new")
@roles_required("admin")
def new_user():
    return forms.page(NEW, form={"role": "producer"}, **_choices())


@bp.post("/users/new")
@roles_required("admin")
def create_user():
    form = dict(forms.user_fields(), **forms.pick("station_id"))

    def save():
        user = service.add_user(form, current_user)
        return _("User %(name)s created.", name=user.username)
    # The password is never echoed back into the page.
    return forms.submit(save, url_for(".users"), NEW, form=dict(form, password=""), **_choices())


@bp.get("/users/<id:user_id>")
@roles_required("admin")
def edit_user(user_id):
    user = service.get_user(user_id)
    return forms.page(EDIT, user=user, form=_user_form(user), **_choices(user))


@bp.post("/users/<id:user_id>")
@roles_required("admin")
def update_user(user_id):
    user = service.get_user(user_id)
    form = dict(forms.profile_fields(), **forms.pick("station_id"))

    def save():
        service.update_user(user_id, form, current_user)
        return _("User %(name)s saved.", name=user.username)
    return forms.submit(save, url_for(".users"), EDIT, user=user, form=form, **_choices(user))


@bp.post("/users/<id:user_id>/password")
@roles_required("admin")
def reset_password(user_id):
    user = service.get_user(user_id)

    def save():
        service.update_user(user_id, {"password": request.form.get("password", "")},
                            current_user)
        return _("The password of %(name)s was reset.", name=user.username)
    return forms.submit(save, url_for(".users"), EDIT, user=user, form=_user_form(user),
                        **_choices(user))


@bp.post("/users/<id:user_id>/enabled")
@roles_required("admin")
def set_enabled(user_id):
    enabled = request.form.get("enabled") == "1"

    def save():
        user = service.set_user_enabled(user_id, enabled, current_user)
        if enabled:
            return _("%(name)s can log in again.", name=user.username)
        return _("%(name)s can no longer log in.", name=user.username)
    return forms.submit(save, url_for(".users"), LIST, users=service.list_users())
