"""Small serializers shared by API endpoints."""
from ..models.base import iso


def show_summary(show):
    return {"id": show.id, "title": show.title, "state": show.state, "studio": show.studio,
            "department": ({"id": show.department.id, "name": show.department.name}
                           if show.department else None),
            "guest_names": show.guest_names, "starts_at": iso(show.starts_at),
            "lines_open": show.lines_open, "version": show.version}


def call_summary(call):
    return {"id": call.id, "show_id": call.show_id, "state": call.state,
            "version": call.version, "position": call.position}
