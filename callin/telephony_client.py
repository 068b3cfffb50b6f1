"""A phone system's side of the webhook: signs events and posts them over HTTP."""
import hashlib
import hmac
import json
import os
import random
import time
import urllib.error
import urllib.request

import click
from flask import current_app

from .extensions import db
from .models import Show
from .services.simulator import hangup_event, ringing_event


def sign(body, secret):
    """The X-Callin-Signature header value for a raw body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post_event(url, event, secret, timeout=10):
    """POST one signed event; returns (status, parsed JSON answer)."""
    body = json.dumps(event).encode()
    request = urllib.request.Request(
        url.rstrip("/") + "/api/v1/telephony/events", data=body, method="POST",
        headers={"Content-Type": "application/json", "X-Callin-Signature": sign(body, secret)})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def run_simulation(show_id, count, rate, hangups, url, echo=print):
    """Ring `count` calls at `rate` per second into the live show; some callers hang up."""
    show = db.session.get(Show, show_id)
    if show is None or not show.is_live or not show.lines_open:
        raise click.ClickException(f"show {show_id} is not live with its lines open")
    url = url or f"http://127.0.0.1:{os.environ.get('PORT', '5000')}"
    secret, home = current_app.config["TELEPHONY_SECRET"], current_app.config["HOME_AREA"]
    rng, pending = random.Random(), []
    for index in range(count):
        event = ringing_event(rng, home)
        try:
            status, answer = post_event(url, event, secret)
        except urllib.error.URLError as error:
            raise click.ClickException(f"cannot reach {url}: {error.reason}") from None
        echo(f"ring {index + 1}/{count} from {event['caller']}: {status} {answer}")
        if rng.random() < hangups:
            pending.append(event)
        if pending and rng.random() < 0.5:
            gone = pending.pop(0)
            status, answer = post_event(url, hangup_event(gone), secret)
            echo(f"hang up {gone['caller']}: {status} {answer}")
        time.sleep(1.0 / rate if rate > 0 else 0)  # pacing the simulated phone lines, not a sync
    for gone in pending:
        status, answer = post_event(url, hangup_event(gone), secret)
        echo(f"hang up {gone['caller']}: {status} {answer}")
