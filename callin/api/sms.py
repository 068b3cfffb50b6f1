"""POST /api/v1/sms/inbound: the SMS gateway's signed webhook (DESIGN §7)."""
from . import bp  # noqa: F401
