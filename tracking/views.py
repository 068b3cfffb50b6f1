"""The public tracking page and the board: no login, no personal data."""
from flask import make_response, render_template, request

from callin.errors import NotFound
from callin.services import case_queries

from . import bp, lookup


def _private(body, status=200):
    """The answer, kept out of caches, and no Referer that could carry the code elsewhere."""
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/track", methods=["GET", "POST"])
def track():
    source = request.form if request.method == "POST" else request.args
    form = lookup.fields(source)
    if request.method == "GET" and not (form["number"] or form["code"]):
        return _private(render_template("tracking/track.html", form=form, errors={}))
    errors = lookup.problems(form)
    if errors:
        return _private(render_template("tracking/track.html", form=form, errors=errors), 400)
    try:
        case = case_queries.public_case(form["number"], form["code"], request.remote_addr)
    except NotFound as error:
        return _private(render_template("tracking/track.html", form=form, errors={},
                                        not_found=error.message), 404)
    return _private(render_template("tracking/track.html", form={},
                                    errors={}, case=case, lookup=lookup))


@bp.get("/board")
def board():
    return render_template("tracking/board.html", cases=case_queries.public_board())
