"""The server entry point: the only module that monkey-patches for eventlet."""
import warnings

# The user chose eventlet (DESIGN §6); its maintenance-mode notice is not news at every start.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import eventlet  # noqa: E402

eventlet.monkey_patch()

import os  # noqa: E402


def _cooperative_postgres():
    """Make psycopg2 yield to other green threads while it waits on PostgreSQL."""
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql")):
        from psycogreen.eventlet import patch_psycopg
        patch_psycopg()


_cooperative_postgres()

from callin import create_app  # noqa: E402
from callin.extensions import socketio  # noqa: E402

app = create_app()

if __name__ == "__main__":
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "5000"))
    print(f"callin serving on http://{host}:{port}", flush=True)
    socketio.run(app, host=host, port=port, log_output=os.environ.get("ACCESS_LOG") == "1")
