"""POST /api/v1/sms/inbound: the SMS gateway's signed webhook (DESIGN §7)."""
from ..services import intake
from . import bp, ok
from .telephony import signed_json


@bp.post("/sms/inbound", endpoint="sms_inbound")
def sms_inbound():
    taken = intake.receive_sms(signed_json("SMS_SECRET"))
    return ok({"message_id": taken.message_id, "case_id": taken.case_id,
               "case_number": taken.case_number, "state": taken.state})
