"""POST /api/v1/auth/token."""
from flask import request

from ..services.users import authenticate, issue_token
from . import body, bp, ok


@bp.post("/auth/token", endpoint="token")
def token():
    data = body()
    user = authenticate(data.get("username"), data.get("password"), request.remote_addr or "")
    value, expires = issue_token(user)
    return ok({"token": value, "role": user.role, "expires_at": expires.isoformat()})
