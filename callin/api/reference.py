"""GET /api/v1/reference: towns, communities, categories and departments for forms."""
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import Unauthorized
from ..services import lookups
from . import bp, ok


@bp.get("/reference")
def reference():
    if not current_user.is_authenticated:
        raise Unauthorized(_("Log in first."))
    return ok(lookups.reference_lists())
