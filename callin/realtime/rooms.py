"""Socket.IO room names: one room per show and audience."""

NAMESPACE = "/live"


def show_room(show_id, audience):
    """The room whose members get `audience`'s view of show `show_id`."""
    return f"show:{show_id}:{audience}"


def department_room(department_id):
    """The room of a department's liaison screens (badges, case lists)."""
    return f"department:{department_id}"
