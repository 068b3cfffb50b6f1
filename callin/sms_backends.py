"""Ways to send an SMS: the console (log), memory (tests) and an HTTP gateway."""
import json
import logging
import urllib.error
import urllib.request
from threading import Lock

from flask import current_app

log = logging.getLogger("callin.sms")


class SendError(Exception):
    """The message did not go out; it will be tried again later."""


class ConsoleBackend:
    """Writes each message to the log: the default, so a fresh checkout needs no gateway."""

    def send(self, to, text, ref):
        log.info("SMS %s to %s: %s", ref, to, text)
        return ref


class MemoryBackend:
    """Keeps sent messages in a list for tests; can be told to fail the next N sends."""

    def __init__(self):
        self._lock = Lock()
        self.sent = []
        self.failures_left = 0

    def fail_next(self, count, reason="gateway unavailable (test)"):
        with self._lock:
            self.failures_left = count
            self.reason = reason

    def clear(self):
        with self._lock:
            self.sent.clear()
            self.failures_left = 0

    def send(self, to, text, ref):
        with self._lock:
            if self.failures_left > 0:
                self.failures_left -= 1
                raise SendError(self.reason)
            self.sent.append({"to": to, "text": text, "ref": ref})
        return ref


class HttpBackend:
    """POSTs {"to", "text", "ref"} to SMS_GATEWAY_URL with a bearer token; non-2xx fails."""

    def send(self, to, text, ref):
        config = current_app.config
        if not config.get("SMS_GATEWAY_URL"):
            raise SendError("SMS_GATEWAY_URL is not set")
        request = urllib.request.Request(
            config["SMS_GATEWAY_URL"], method="POST",
            data=json.dumps({"to": to, "text": text, "ref": ref}).encode(),
            headers={"Content-Type": "application/json",
                     "Authorization": "Bearer " + config.get("SMS_GATEWAY_TOKEN", "")})
        try:
            with urllib.request.urlopen(request, timeout=config["SMS_GATEWAY_TIMEOUT_S"]) as answer:
                if not 200 <= answer.status < 300:
                    raise SendError(f"gateway answered HTTP {answer.status}")
                return _provider_ref(answer.read(), ref)
        except urllib.error.HTTPError as error:
            raise SendError(f"gateway answered HTTP {error.code}") from None
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise SendError(f"gateway unreachable: {getattr(error, 'reason', error)}") from None


def _provider_ref(raw, ref):
    """The gateway's id for the message when it gives one, else our own reference."""
    try:
        answer = json.loads(raw or b"null")
    except ValueError:
        return ref
    if isinstance(answer, dict):
        return str(answer.get("id") or answer.get("message_id") or ref)
    return ref


#: The memory backend is one per process, so tests can read what was sent.
MEMORY = MemoryBackend()
_BACKENDS = {"console": ConsoleBackend(), "memory": MEMORY, "http": HttpBackend()}


def backend_named(name):
    """The backend that SMS_BACKEND names."""
    try:
        return _BACKENDS[name]
    except KeyError:
        raise SendError(f"unknown SMS_BACKEND {name!r}: console, memory or http") from None
