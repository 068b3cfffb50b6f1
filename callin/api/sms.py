"""POST /api/v1/sms/inbound: the SMS gateway's signed webhook (DESIGN §7)."""
from ..services import intake
from . import bp, ok
from .telephony import signed_json


@bp.post("/sms/inbound", endpoint="sms_inbound")
def sms_inbound():
    message = intake.receive_sms(signed_json("SMS_SECRET"))
    case = message.case
    return ok({"message_id": message.message_id, "case_id": message.case_id,
               "case_number": case.number if case is not None else None,
               "state": message.state})
