"""Real server processes for end-to-end tests: serve.py under eventlet, on a port of its own."""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_flask(args, env, check=True):
    """Run `flask --app callin ARGS` with the given environment; returns the completed process."""
    full_env = {**os.environ, **env, "FLASK_APP": "callin"}
    result = subprocess.run([PYTHON, "-m", "flask", *args], cwd=ROOT, env=full_env,
                            capture_output=True, text=True, timeout=300)
    if check and result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


class Server:
    """One serve.py process; waits until /healthz answers, stops on exit."""

    def __init__(self, env, port=None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, **env, "PORT": str(self.port), "HOST": "127.0.0.1"}
        self.process = None

    def __enter__(self):
        import tempfile
        self.log = tempfile.NamedTemporaryFile("w+", prefix="callin-server-", suffix=".log")
        self.process = subprocess.Popen([PYTHON, "serve.py"], cwd=ROOT, env=self.env,
                                        stdout=self.log, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("server exited:\n" + self.output())
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    return self
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.1)  # polling for readiness of a child process, bounded by the deadline
        self.__exit__()
        raise RuntimeError("server did not become healthy within 60 s")

    def output(self):
        """What the server printed so far."""
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def request(self, method, path, body=None, token=None, timeout=30):
        """Send one request; returns (status, parsed JSON or None)."""
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = "Bearer " + token
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def token(self, username, password):
        status, body = self.request("POST", "/api/v1/auth/token",
                                    {"username": username, "password": password})
        assert status == 200, body
        return body["token"]


def fresh_postgres_database(name, admin_url):
    """Drop and create a PostgreSQL database for a server test; returns its URL."""
    import psycopg2
    connection = psycopg2.connect(admin_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    return admin_url.rsplit("/", 1)[0] + "/" + name


def drop_postgres_database(name, admin_url):
    """Drop a database made by fresh_postgres_database."""
    import psycopg2
    connection = psycopg2.connect(admin_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    connection.close()
