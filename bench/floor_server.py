"""The floor: a bare Flask-SocketIO server (eventlet) that does nothing but fan a payload out.

    python bench/floor_server.py --port 5105

Clients connect to namespace /live (any auth) and emit `watch` (acknowledged with {"ok": true});
that joins them to one room. POST /emit with a JSON body emits that body as a `queue` event to
the room and returns {"ok": true, "clients": <room size>} — no database, no payload building, so
the time between this HTTP response and the receipt on the clients is the cost of the
Socket.IO/eventlet fan-out alone. push_latency.py posts a copy of the studio payload, so the bytes
on the wire have the same size as callin's.
"""
import eventlet

eventlet.monkey_patch()

import argparse  # noqa: E402

from flask import Flask, jsonify, request  # noqa: E402
from flask_socketio import SocketIO, join_room  # noqa: E402

NAMESPACE = "/live"
ROOM = "studio"

app = Flask(__name__)
socketio = SocketIO(app, async_mode="eventlet")
watchers = set()


@socketio.on("connect", namespace=NAMESPACE)
def on_connect(auth=None):
    return True


@socketio.on("watch", namespace=NAMESPACE)
def on_watch(data=None):
    join_room(ROOM)
    watchers.add(request.sid)
    return {"ok": True}


@socketio.on("disconnect", namespace=NAMESPACE)
def on_disconnect(*_args):
    watchers.discard(request.sid)


@app.post("/emit")
def emit():
    payload = request.get_json(force=True)
    socketio.emit("queue", payload, namespace=NAMESPACE, to=ROOM)
    return jsonify({"ok": True, "clients": len(watchers)})


@app.get("/health")
def health():
    return jsonify({"ok": True, "clients": len(watchers)})


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5105)
    args = parser.parse_args()
    print(f"floor serving on http://{args.host}:{args.port}", flush=True)
    socketio.run(app, host=args.host, port=args.port, log_output=False)


if __name__ == "__main__":
    main()
