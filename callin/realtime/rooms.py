"""Socket.IO room names: one room per show and audience."""

NAMESPACE = "/live"


def show_room(show_id, audience):
    """The room whose members get `audience`'s view of show `show_id`."""
    return f"show:{show_id}:{audience}"
