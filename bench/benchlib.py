"""Shared pieces of the live-show benchmarks.

- `Processes`: the subprocesses a benchmark starts, all stopped at the end even on error.
- `start_callin` / `start_floor`: our server (freshly bootstrapped SQLite) and the bare floor server.
- `Http`: one keep-alive HTTP connection that times each request.
- `LiveClients`: N lean Socket.IO clients (Engine.IO v4 over a websocket) served by ONE selector
  thread. Each message is stamped with the moment the selector reported its socket readable, so
  the stamp is when the bytes reached this machine's client side, not when a busy Python thread
  got round to decoding them.
- `percentile`, `rss_mb`, `cpu_seconds`: the figures.
"""
import base64
import http.client
import json
import os
import queue
import re
import selectors
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
NAMESPACE = "/live"
HOST = "127.0.0.1"
DB_PATH = "/tmp/callin-bench.sqlite3"
PASSWORD = os.environ.get("DEMO_PASSWORD", "callin-demo")

#: The one clock of a run: every stamp is taken in this process, by these threads.
clock = time.monotonic

#: Every command a benchmark makes carries a unique marker; clients find it in the pushed payload.
MARKER_RE = re.compile(r"bench-[0-9a-f]{6}-r\d{5}")
MARKER_RE_B = re.compile(MARKER_RE.pattern.encode())


def marker(run_id, seq):
    return f"bench-{run_id}-r{seq:05d}"


# --------------------------------------------------------------------------- processes

class Processes:
    """The subprocesses this benchmark started. `stop()` ends each of them by its own id."""

    def __init__(self):
        self._procs = []

    def start(self, name, argv, env, log_path):
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                                    stdout=log, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        proc.bench_name, proc.bench_log = name, log_path
        self._procs.append(proc)
        return proc

    def stop(self):
        for proc in reversed(self._procs):
            if proc.poll() is None:
                # The process leads its own session/group (start_new_session): the group is ours.
                _signal_group(proc, signal.SIGTERM)
        deadline = clock() + 8
        for proc in reversed(self._procs):
            try:
                proc.wait(max(0.1, deadline - clock()))
            except subprocess.TimeoutExpired:
                _signal_group(proc, signal.SIGKILL)
                try:
                    proc.wait(5)
                except subprocess.TimeoutExpired:
                    print(f"warning: could not stop {proc.bench_name} (pid {proc.pid})",
                          file=sys.stderr)
        self._procs.clear()


def _signal_group(proc, sig):
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        try:
            proc.send_signal(sig)
        except ProcessLookupError:
            pass


def exit_on_sigterm():
    """Turn SIGTERM into SystemExit so that `finally:` blocks stop the subprocesses."""
    def handler(signum, _frame):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, handler)


def log_tail(path, lines=25):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def port_free(port):
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def wait_listening(proc, port, timeout=60):
    deadline = clock() + timeout
    while clock() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.bench_name} exited with code {proc.returncode}:\n"
                               f"{log_tail(proc.bench_log)}")
        try:
            socket.create_connection((HOST, port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"{proc.bench_name} did not listen on port {port} within {timeout}s:\n"
                       f"{log_tail(proc.bench_log)}")


def callin_env(port, db_path=DB_PATH):
    env = dict(os.environ)
    env.update({"DATABASE_URL": f"sqlite:///{db_path}", "PORT": str(port), "HOST": HOST,
                "DEMO_MODE": "1", "FLASK_APP": "callin", "PYTHONUNBUFFERED": "1",
                "PYTHONWARNINGS": "ignore"})
    env.pop("ACCESS_LOG", None)           # no access log: the floor has none either
    env.pop("SOCKETIO_MESSAGE_QUEUE", None)  # one process, like the floor
    env.pop("CALLIN_ENV", None)
    return env


def bootstrap(db_path=DB_PATH, timeout=180):
    """A fresh database with the demo data (one live show), via `flask --app callin bootstrap`."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.remove(db_path + suffix)
        except FileNotFoundError:
            pass
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "callin", "bootstrap"],
                          cwd=ROOT, env=callin_env(0, db_path), stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"bootstrap failed ({done.returncode}):\n{done.stdout[-2000:]}\n"
                           f"{done.stderr[-2000:]}")


def start_callin(procs, port, db_path=DB_PATH, fresh=True):
    """serve.py (eventlet) on `port`, on a freshly bootstrapped SQLite database."""
    if not port_free(port):
        raise RuntimeError(f"port {port} is already in use; stop whatever listens there first")
    if fresh:
        bootstrap(db_path)
    proc = procs.start("serve.py", [sys.executable, "serve.py"], callin_env(port, db_path),
                       f"/tmp/callin-bench-serve-{port}.log")
    wait_listening(proc, port)
    return proc


def start_floor(procs, port):
    """bench/floor_server.py: bare Flask-SocketIO (eventlet) on `port`."""
    if not port_free(port):
        raise RuntimeError(f"port {port} is already in use; stop whatever listens there first")
    env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONWARNINGS="ignore")
    proc = procs.start("floor_server.py",
                       [sys.executable, str(BENCH / "floor_server.py"), "--port", str(port)],
                       env, f"/tmp/callin-bench-floor-{port}.log")
    wait_listening(proc, port)
    return proc


# --------------------------------------------------------------------------- HTTP

class HttpError(RuntimeError):
    def __init__(self, method, path, status, body):
        super().__init__(f"{method} {path} -> {status}: {str(body)[:300]}")
        self.status, self.body = status, body


class Http:
    """One keep-alive connection; `request` returns (status, json, t_sent, t_returned)."""

    def __init__(self, port, token=None, timeout=30):
        self.port, self.token, self.timeout = port, token, timeout
        self.conn = None

    def request(self, method, path, body=None, check=True):
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if self.conn is None:
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
            self.conn.connect()
            self.conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            t_sent = clock()
            self.conn.request(method, path, data, headers)
            response = self.conn.getresponse()
            raw = response.read()
            t_returned = clock()
        except (http.client.HTTPException, OSError):
            self.close()
            raise
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        result = json.loads(raw) if raw else None
        if check and not 200 <= response.status < 300:
            raise HttpError(method, path, response.status, result)
        return response.status, result, t_sent, t_returned

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def token(port, username):
    _, body, _, _ = Http(port).request("POST", "/api/v1/auth/token",
                                       {"username": username, "password": PASSWORD})
    return body["token"]


# --------------------------------------------------------------------------- clients

class ClientError(RuntimeError):
    pass


class _Conn:
    __slots__ = ("idx", "sock", "buf", "fragments", "receipts", "events", "closed")

    def __init__(self, idx, sock):
        self.idx, self.sock = idx, sock
        self.buf = bytearray()
        self.fragments = None
        self.receipts = {}   # marker -> (stamp, message text)
        self.events = 0      # `queue` events received
        self.closed = False


def _client_frame(opcode, payload):
    """A masked websocket frame (clients must mask)."""
    mask = os.urandom(4)
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
    elif n < 65536:
        head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
    key = int.from_bytes((mask * (n // 4 + 1))[:n], "big")
    body = (int.from_bytes(payload, "big") ^ key).to_bytes(n, "big") if n else b""
    return head + mask + body


def _pop_messages(conn, limit=None):
    """Complete websocket messages from conn.buf (at most `limit`), as (opcode, bytes)."""
    buf, pos, out = conn.buf, 0, []
    while len(buf) - pos >= 2 and (limit is None or len(out) < limit):
        b0, b1 = buf[pos], buf[pos + 1]
        length, head = b1 & 0x7F, 2
        if length == 126:
            if len(buf) - pos < 4:
                break
            length, head = struct.unpack_from("!H", buf, pos + 2)[0], 4
        elif length == 127:
            if len(buf) - pos < 10:
                break
            length, head = struct.unpack_from("!Q", buf, pos + 2)[0], 10
        mask = None
        if b1 & 0x80:
            if len(buf) - pos < head + 4:
                break
            mask, head = bytes(buf[pos + head:pos + head + 4]), head + 4
        if len(buf) - pos < head + length:
            break
        payload = bytes(buf[pos + head:pos + head + length])
        if mask:
            payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        pos += head + length
        opcode, fin = b0 & 0x0F, bool(b0 & 0x80)
        if opcode == 0:                      # continuation
            if conn.fragments is None:
                continue
            conn.fragments[1].append(payload)
            if fin:
                out.append((conn.fragments[0], b"".join(conn.fragments[1])))
                conn.fragments = None
        elif opcode in (1, 2) and not fin:
            conn.fragments = (opcode, [payload])
        else:
            out.append((opcode, payload))
    del buf[:pos]
    return out


def _has_message(conn):
    """Whether conn.buf starts with a complete frame (cheap check before blocking on recv)."""
    buf = conn.buf
    if len(buf) < 2:
        return False
    length, head = buf[1] & 0x7F, 2
    if length == 126:
        if len(buf) < 4:
            return False
        length, head = struct.unpack_from("!H", buf, 2)[0], 4
    elif length == 127:
        if len(buf) < 10:
            return False
        length, head = struct.unpack_from("!Q", buf, 2)[0], 10
    if buf[1] & 0x80:
        head += 4
    return len(buf) >= head + length


class LiveClients:
    """N Socket.IO clients of one server, each watching a show; one selector thread reads them all.

    A client records, per marker, the stamp of the FIRST `queue` event whose payload contains
    that marker (= the push of the version the marked command created).
    """

    def __init__(self, port, namespace=NAMESPACE):
        self.port, self.ns = port, namespace
        self._event_prefix_b = f"42{namespace},".encode()
        self.conns = []
        self._lock = threading.Lock()
        self._counts = {}
        self._waiters = {}
        self._expected = 0
        self._stop = False
        self._sel = selectors.DefaultSelector()
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._sel.register(self._wake_r, selectors.EVENT_READ, None)
        self._pending = queue.SimpleQueue()
        self._rbuf = bytearray(1 << 16)
        self._rview = memoryview(self._rbuf)
        self.loop_busy_s = 0.0      # time the reader spent handling messages (its own load)
        self._thread = threading.Thread(target=self._loop, name="live-clients", daemon=True)
        self._thread.start()

    # ---- connecting (blocking, on the caller's threads)

    def connect(self, n, auth, show_id, parallel=8, timeout=30):
        """Open n clients, each connects to the namespace with `auth` and `watch`es `show_id`.

        Returns the first watch acknowledgement (the state the server handed back).
        """
        start = len(self.conns)
        with ThreadPoolExecutor(max_workers=max(1, min(parallel, n))) as pool:
            futures = [pool.submit(self._open, start + i, auth, show_id, timeout)
                       for i in range(n)]
            results = [f.result() for f in futures]
        for conn, _ack in results:
            self.conns.append(conn)
            self._pending.put(conn)
        self._wake_w.send(b"x")
        # Wait until the reader has taken every new socket (bounded).
        deadline = clock() + 10
        while not self._pending.empty() and clock() < deadline:
            time.sleep(0.01)
        with self._lock:
            self._expected = len(self.conns)
        return results[0][1] if results else None

    def _open(self, idx, auth, show_id, timeout):
        sock = socket.create_connection((HOST, self.port), timeout=timeout)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            key = base64.b64encode(os.urandom(16)).decode()
            sock.sendall((f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
                          f"Host: {HOST}:{self.port}\r\nUpgrade: websocket\r\n"
                          f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                          f"Sec-WebSocket-Version: 13\r\n\r\n").encode())
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = sock.recv(4096)
                if not chunk or len(head) > 65536:
                    raise ClientError(f"websocket handshake failed: {head[:300]!r}")
                head += chunk
            head, rest = head.split(b"\r\n\r\n", 1)
            if b" 101 " not in head.split(b"\r\n", 1)[0]:
                raise ClientError(f"websocket handshake refused: {head[:300]!r}")
            conn = _Conn(idx, sock)
            conn.buf += rest
            first = self._recv_text(conn, timeout)
            if not first.startswith("0"):
                raise ClientError(f"expected an Engine.IO open packet, got {first[:200]!r}")
            self._send(conn, f"40{self.ns}," + json.dumps(auth))
            while True:
                text = self._recv_text(conn, timeout)
                if text.startswith(f"40{self.ns},"):
                    break
                if text.startswith(f"44{self.ns},"):
                    raise ClientError(f"connection refused: {text[:300]}")
            self._send(conn, f"42{self.ns},1" + json.dumps(["watch", {"show_id": show_id}]))
            ack_prefix = f"43{self.ns},1"
            while True:
                text = self._recv_text(conn, timeout)
                if text.startswith(ack_prefix):
                    ack = json.loads(text[len(ack_prefix):])[0]
                    break
            if not isinstance(ack, dict) or "error" in ack:
                raise ClientError(f"watch refused: {str(ack)[:300]}")
            sock.setblocking(False)
            return conn, ack
        except BaseException:
            sock.close()
            raise

    def _recv_text(self, conn, timeout):
        """Blocking: the next Engine.IO text message (answers pings on the way)."""
        deadline = clock() + timeout
        while clock() < deadline:
            for opcode, payload in _pop_messages(conn, limit=1):
                if opcode == 8:
                    raise ClientError("server closed the websocket")
                if opcode == 9:
                    conn.sock.sendall(_client_frame(10, payload))
                    continue
                if opcode != 1:
                    continue
                text = payload.decode()
                if text == "2":
                    self._send(conn, "3")
                    continue
                return text
            if _has_message(conn):
                continue
            conn.sock.settimeout(max(0.05, deadline - clock()))
            chunk = conn.sock.recv(1 << 16)
            if not chunk:
                raise ClientError("server closed the connection")
            conn.buf += chunk
        raise ClientError("timed out waiting for the server")

    @staticmethod
    def _send(conn, text):
        frame = _client_frame(1, text.encode())
        if conn.sock.gettimeout() == 0.0:      # non-blocking (in the reader): tiny frames only
            try:
                conn.sock.send(frame)
            except OSError:
                pass
        else:
            conn.sock.sendall(frame)

    # ---- the reader thread

    def _loop(self):
        while not self._stop:
            ready = self._sel.select(0.25)
            stamp = clock()
            for key, _mask in ready:
                conn = key.data
                if conn is None:
                    self._take_pending()
                    continue
                try:
                    size = conn.sock.recv_into(self._rbuf)
                except BlockingIOError:
                    continue
                except OSError:
                    size = 0
                if not size:
                    self._drop(conn)
                    continue
                conn.buf += self._rview[:size]
                for opcode, payload in _pop_messages(conn):
                    self._on_frame(conn, stamp, opcode, payload)
            if ready:
                self.loop_busy_s += clock() - stamp

    def _take_pending(self):
        try:
            self._wake_r.recv(4096)
        except BlockingIOError:
            pass
        while True:
            try:
                conn = self._pending.get_nowait()
            except queue.Empty:
                return
            # Frames that arrived during the handshake are already in conn.buf.
            self._sel.register(conn.sock, selectors.EVENT_READ, conn)
            for opcode, payload in _pop_messages(conn):
                self._on_frame(conn, clock(), opcode, payload)

    def _drop(self, conn):
        conn.closed = True
        try:
            self._sel.unregister(conn.sock)
        except (KeyError, ValueError):
            pass
        conn.sock.close()

    def _on_frame(self, conn, stamp, opcode, payload):
        if opcode == 8:
            self._drop(conn)
            return
        if opcode == 9:
            try:
                conn.sock.send(_client_frame(10, payload))
            except OSError:
                pass
            return
        if opcode != 1:
            return
        if payload == b"2":
            self._send(conn, "3")
            return
        if not payload.startswith(self._event_prefix_b):
            return
        conn.events += 1
        found = MARKER_RE_B.search(payload)
        if found is None:
            return
        mark = found.group().decode()
        if mark in conn.receipts:
            return
        conn.receipts[mark] = (stamp, payload)    # decoded later, off the timed path
        with self._lock:
            count = self._counts.get(mark, 0) + 1
            self._counts[mark] = count
            waiter = self._waiters.get(mark)
            if waiter is not None and count >= self._expected:
                waiter.set()

    # ---- what the benchmark uses

    def expect(self, mark):
        """An Event set once every connected client has received a push carrying `mark`."""
        event = threading.Event()
        with self._lock:
            self._waiters[mark] = event
            if self._counts.get(mark, 0) >= self._expected:
                event.set()
        return event

    def receipts(self, mark):
        """[(client index, stamp, message text)] of the clients that received `mark`."""
        return [(c.idx, c.receipts[mark][0], c.receipts[mark][1].decode())
                for c in self.conns if mark in c.receipts]

    def open_count(self):
        return sum(1 for c in self.conns if not c.closed)

    def close(self):
        for conn in self.conns:
            if not conn.closed:
                try:
                    conn.sock.setblocking(True)
                    conn.sock.settimeout(0.5)
                    conn.sock.sendall(_client_frame(1, f"41{self.ns},".encode()))
                    conn.sock.sendall(_client_frame(8, struct.pack("!H", 1000)))
                except OSError:
                    pass
        self._stop = True
        self._wake_w.send(b"x")
        self._thread.join(5)
        for conn in self.conns:
            try:
                conn.sock.close()
            except OSError:
                pass
        self._sel.close()
        self._wake_r.close()
        self._wake_w.close()


def event_payload(text, namespace=NAMESPACE):
    """The data of a `42/live,["queue", data]` message."""
    return json.loads(text[len(f"42{namespace},"):])[1]


# --------------------------------------------------------------------------- figures

def percentile(values, q):
    """Linear-interpolated percentile (q in 0..100) of a list of numbers; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * q / 100.0
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _tree(pid):
    proc = psutil.Process(pid)
    try:
        return [proc] + proc.children(recursive=True)
    except psutil.NoSuchProcess:
        return [proc]


def rss_mb(pid):
    """Resident set size of a process and all its children, in MB (10^6 bytes)."""
    total = 0
    for proc in _tree(pid):
        try:
            total += proc.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total / 1e6


def cpu_seconds(pid):
    """User + system CPU seconds of a process and its children so far."""
    total = 0.0
    for proc in _tree(pid):
        try:
            times = proc.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total
