"""The only place that emits: pushes a committed show state to every audience's room."""
from ..extensions import socketio
from .rooms import NAMESPACE, department_room, show_room


def push_show(show_id, snapshot):
    """Emit each audience's view of the show to its room; call only after the commit it reports."""
    for audience, payload in snapshot.items():
        socketio.emit("queue", payload, namespace=NAMESPACE, to=show_room(show_id, audience))


def push_department(department_id, payload):
    """Tell a department's open screens that something arrived (a case, a notice)."""
    socketio.emit("department", payload, namespace=NAMESPACE, to=department_room(department_id))
