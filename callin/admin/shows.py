"""Admin pages for shows: list, schedule, edit, go live, end."""
from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.decorators import roles_required
from ..services import reference
from ..services import shows as service
from ..services.live import get_show
from ..states import ShowState
from . import bp, forms

LIST, FORM = "admin/shows.html", "admin/show_form.html"


def _list_context():
    state = request.args.get("state") or None
    if state not in set(ShowState):
        state = None
    return {"shows": service.list_shows(state), "state": state}


def _form_context(show=None):
    keep = show.department_id if show else None
    return {"show": show,
            "departments": forms.department_choices(reference.list_departments(), keep)}


@bp.get("/shows")
@roles_required("admin")
def shows():
    return forms.page(LIST, **_list_context())


@bp.get("/shows/new")
@roles_required("admin")
def new_show():
    return forms.page(FORM, form=forms.show_form(), **_form_context())


@bp.post("/shows/new")
@roles_required("admin")
def create_show():
    form = forms.show_fields()

    def save():
        return _("Show %(title)s scheduled.", title=service.create_show(form, current_user).title)
    return forms.submit(save, url_for(".shows"), FORM, form=form, **_form_context())


@bp.get("/shows/<id:show_id>")
@roles_required("admin")
def edit_show(show_id):
    show = get_show(show_id)
    return forms.page(FORM, form=forms.show_form(show), **_form_context(show))


@bp.post("/shows/<id:show_id>")
@roles_required("admin")
def update_show(show_id):
    show, form = get_show(show_id), forms.show_fields()

    def save():
        service.validate(form)  # the complete check: an edit may not blank the title or time
        return _("Show %(title)s saved.", title=service.update_show(show_id, form,
                                                                    current_user).title)
    return forms.submit(save, url_for(".shows"), FORM, form=form, **_form_context(show))


@bp.post("/shows/<id:show_id>/start")
@roles_required("admin")
def start_show(show_id):
    def save():
        return _("%(title)s is live; the lines are open.",
                 title=service.start_show(show_id, current_user).title)
    return forms.submit(save, url_for(".shows", state=request.args.get("state")), LIST,
                        **_list_context())


@bp.post("/shows/<id:show_id>/end")
@roles_required("admin")
def end_show(show_id):
    def save():
        return _("%(title)s has ended.", title=service.end_show(show_id, current_user).title)
    return forms.submit(save, url_for(".shows", state=request.args.get("state")), LIST,
                        **_list_context())
