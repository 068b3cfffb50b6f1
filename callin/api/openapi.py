"""GET /api/v1/openapi.json: the documented interfaces (DESIGN section 7)."""
from . import bp, ok
from .spec import SPEC


@bp.get("/openapi.json")
def openapi():
    return ok(SPEC)
