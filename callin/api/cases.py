"""Cases: list, register, read, and every step of the closed loop."""
from flask import request
from flask_login import current_user

from ..services import case_queries, cases, extensions, return_visits
from . import body, bp, ok


def _row(case):
    return case_queries.summary(case, current_user)


@bp.get("/cases")
def list_cases():
    return ok(case_queries.list_cases(request.args.to_dict(), current_user))


@bp.post("/cases")
def register_case():
    case = cases.register_case(body(), current_user)
    # the office reads the number and lookup code to the citizen on the phone
    return ok({"case": {**_row(case), "lookup_code": case.lookup_code}}, 201)


@bp.get("/cases/<id:case_id>")
def case_detail(case_id):
    return ok(case_queries.detail(case_id, current_user))


@bp.post("/cases/<id:case_id>/dispatch")
def case_dispatch(case_id):
    data = body()
    case = cases.dispatch_case(case_id, data.get("lead_department_id"),
                               data.get("co_department_ids") or [], current_user,
                               data.get("version"))
    return ok({"case": _row(case)})


@bp.post("/cases/<id:case_id>/sign")
def case_sign(case_id):
    return ok({"case": _row(cases.sign_case(case_id, current_user))})


@bp.post("/cases/<id:case_id>/send-back")
def case_send_back(case_id):
    return ok({"case": _row(cases.send_back(case_id, body().get("reason"), current_user))})


@bp.post("/cases/<id:case_id>/notes")
def case_add_note(case_id):
    data = body()
    case = cases.add_note(case_id, data.get("text"), current_user, data.get("public") is True)
    return ok({"case": _row(case)}, 201)


@bp.post("/cases/<id:case_id>/reply")
def case_reply(case_id):
    return ok({"case": _row(cases.reply_case(case_id, body(), current_user))})


@bp.post("/cases/<id:case_id>/review")
def case_review(case_id):
    data = body()
    case = cases.review_reply(case_id, data.get("accept"), data.get("note"), current_user)
    return ok({"case": _row(case)})


@bp.post("/cases/<id:case_id>/return-visits")
def case_return_visit(case_id):
    visit = return_visits.record_return_visit(case_id, body(), current_user)
    return ok({"return_visit": {"id": visit.id, "result": visit.result},
               "case": _row(cases.get_case(case_id, current_user))}, 201)


@bp.post("/cases/<id:case_id>/merge")
def case_merge(case_id):
    target = cases.merge_case(case_id, body().get("into_id"), current_user)
    return ok({"case": _row(target)})


@bp.post("/cases/<id:case_id>/reject")
def case_reject(case_id):
    return ok({"case": _row(cases.reject_case(case_id, body().get("reason"), current_user))})


@bp.post("/cases/<id:case_id>/extensions")
def request_extension(case_id):
    data = body()
    extension = extensions.request_extension(case_id, data.get("days"), data.get("reason"),
                                              current_user)
    return ok({"extension": {"id": extension.id, "state": extension.state}}, 201)


@bp.post("/extensions/<id:extension_id>/decision")
def decide_extension(extension_id):
    data = body()
    extension = extensions.decide_extension(extension_id, data.get("approve"), data.get("note"),
                                            current_user)
    return ok({"extension": {"id": extension.id, "state": extension.state}})


@bp.post("/cases/<id:case_id>/reveal")
def case_reveal(case_id):
    return ok(case_queries.reveal_citizen(case_id, current_user))


@bp.get("/public/cases/<number>")
def public_case(number):
    return ok(case_queries.public_case(number, request.args.get("code"), request.remote_addr))


@bp.get("/public/board")
def public_board():
    return ok({"cases": case_queries.public_board()})
