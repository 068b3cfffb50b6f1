"""Login and logout pages."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..errors import DomainError
from ..services.users import authenticate
from . import bp

HOME_BY_ROLE = {"producer": "producers.console", "host": "hosts.host_screen",
                "guest": "hosts.guest_screen", "admin": "admin.index",
                "department": "cases_ui.department", "office": "office.workbench",
                "station": "stations.home"}


def home_for(user):
    """The page a user of this role starts on."""
    endpoint = HOME_BY_ROLE.get(user.role)
    return url_for(endpoint) if endpoint else url_for("web.index", stay=1)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(home_for(current_user))
    username = request.form.get("username", "")
    if request.method == "POST":
        try:
            user = authenticate(username, request.form.get("password", ""), request.remote_addr)
        except DomainError as error:
            flash(error.message, "error")
            return render_template("auth/login.html", username=username), error.status
        login_user(user)
        target = request.args.get("next", "")
        return redirect(target if target.startswith("/") and not target.startswith("//")
                        else home_for(user))
    return render_template("auth/login.html", username=username)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))
