"""Admin pages: users, departments, towns and communities, categories, shows."""
from flask import Blueprint
from werkzeug.routing import IntegerConverter

bp = Blueprint("admin", __name__, url_prefix="/admin")


class IdConverter(IntegerConverter):
    """A row id in a URL: a 32-bit positive integer, so a longer number is a plain 404."""

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=2**31 - 1)


# Registered before the routes below are added, which use <id:...>.
bp.record_once(lambda state: state.app.url_map.converters.setdefault("id", IdConverter))


@bp.app_template_global()
def role_label(role):
    """A role's name for people, for every page (base.html's top bar uses it)."""
    from .forms import ROLE_LABELS
    return ROLE_LABELS.get(role, role)


from . import reference, shows, users, views  # noqa: E402,F401
