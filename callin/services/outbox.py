"""Outbound SMS: queued with what caused them, sent after the commit, retried until they go."""
import logging
from datetime import timedelta
from threading import Lock

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, insert, or_, select, update

from ..extensions import db, socketio
from ..models import OutboundSms
from ..models.base import utcnow
from ..sms_backends import SendError, backend_named

log = logging.getLogger(__name__)

#: A row claimed this long ago and still "sending" belongs to a deliverer that died: due again.
STUCK_AFTER = timedelta(minutes=5)
_FIRST_RETRY_S = 30
_LONGEST_WAIT_S = 3600


def queue_sms(to_phone, text, kind="case_number", case_id=None, inbound_id=None):
    """Add an SMS to send in the current transaction (the caller commits)."""
    sms = OutboundSms(**_new_sms(to_phone, text, kind, case_id, inbound_id))
    db.session.add(sms)
    return sms


def insert_sms(to_phone, text, kind="case_number", case_id=None, inbound_id=None):
    """queue_sms with one Core INSERT and no ORM object, for the SMS webhook's fast path."""
    db.session.execute(insert(OutboundSms.__table__),
                       _new_sms(to_phone, text, kind, case_id, inbound_id))


def _new_sms(to_phone, text, kind, case_id, inbound_id):
    return {"to_phone": to_phone, "text": text, "kind": kind, "case_id": case_id,
            "inbound_id": inbound_id, "state": "pending", "attempts": 0,
            "next_attempt_at": utcnow(), "last_error": "", "provider_ref": ""}


def case_reply_text(case):
    """The Chinese reply naming the case number, the lookup code and where to follow it."""
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    with force_locale("zh"):
        if base:
            return _("Your report has been registered as case %(number)s, lookup code %(code)s. "
                     "Follow it at %(url)s", number=case.number, code=case.lookup_code,
                     url=base + "/track")
        return _("Your report has been registered as case %(number)s, lookup code %(code)s. "
                 "Follow it on the programme's case tracking page.",
                 number=case.number, code=case.lookup_code)


def ack_text():
    """The Chinese acknowledgement of a text that arrived while the show is on air."""
    with force_locale("zh"):
        return _("Your message has been received; the team of the live show will deal with it "
                 "as soon as possible. If a case is opened you will get its number by SMS.")


# --- delivery -------------------------------------------------------------------------------

_runner_lock = Lock()
_runner = {"running": False, "again": False}


def deliver_soon():
    """After a commit: send what is due, without blocking or failing the caller."""
    app = current_app._get_current_object()
    if app.config.get("SMS_DELIVER_INLINE", app.testing):
        # Tests share one connection across threads (SQLite in memory): deliver here instead.
        _deliver_logged()
        return
    with _runner_lock:
        if _runner["running"]:
            _runner["again"] = True  # the running deliverer takes one more round
            return
        _runner["running"] = True
    try:
        socketio.start_background_task(_deliver_in_background, app)
    except Exception:
        log.exception("could not start the SMS deliverer; `flask sweep` will send the messages")
        with _runner_lock:
            _runner["running"] = False


#: The background deliverer waits this long before each round, so that when texts pour in a
#: round sends many at once: at 200 SMS/s a round per SMS cost more than registering the SMS.
_GATHER_S = 0.1


def _deliver_in_background(app):
    while True:
        socketio.sleep(_GATHER_S)
        with app.app_context():
            _deliver_logged()
            db.session.remove()
        with _runner_lock:
            if not _runner["again"]:
                _runner["running"] = False
                return
            _runner["again"] = False


def _deliver_logged():
    try:
        deliver_due()
    except Exception:  # a broken gateway or database must never fail the request that queued
        db.session.rollback()
        log.exception("SMS delivery failed; the messages stay queued")


def deliver_due(limit=100):
    """Send the due messages now; returns {"sent", "retry", "failed"} counts."""
    counts = {"sent": 0, "retry": 0, "failed": 0}
    backend = backend_named(current_app.config.get("SMS_BACKEND", "console"))
    while limit > 0:
        claimed = _claim(min(limit, _BATCH))
        if not claimed:
            break
        limit -= len(claimed)
        sent, failed = [], []
        for row in claimed:
            try:
                ref = backend.send(row.to_phone, row.text, f"callin-sms-{row.id}")
            except Exception as error:  # SendError, or a backend bug: either way, retry later
                reason = str(error) if isinstance(error, SendError) else repr(error)
                failed.append((row, reason))
            else:
                sent.append((row, ref))
        _record(sent, failed, counts)
    return counts


#: Rows claimed at once: a batch must be sent well within STUCK_AFTER even at the gateway's timeout.
_BATCH = 20


def _due_clause(now):
    table = OutboundSms.__table__.c
    return or_(and_(table.state == "pending", table.next_attempt_at <= now),
               and_(table.state == "sending", table.next_attempt_at <= now - STUCK_AFTER))


def _claim(count):
    """Take up to `count` due rows for sending, atomically; each row's attempt number is its token.

    The UPDATE re-checks that a row is still due, so of two deliverers racing for a row only one
    gets it back from RETURNING. No transaction stays open while we talk to the gateway.
    """
    table = OutboundSms.__table__
    now = utcnow()
    due = (select(table.c.id).where(_due_clause(now))
           .order_by(table.c.next_attempt_at, table.c.id).limit(count))
    ids = db.session.scalars(due).all()
    if not ids:
        db.session.commit()
        return []
    rows = db.session.execute(
        update(table).where(table.c.id.in_(ids), _due_clause(now))
        .values(state="sending", attempts=table.c.attempts + 1, next_attempt_at=now)
        .returning(table.c.id, table.c.to_phone, table.c.text, table.c.attempts)).all()
    db.session.commit()
    return sorted(rows, key=lambda row: ids.index(row.id))


def _record(sent, failed, counts):
    """Write the outcome of a batch in one transaction, row by row under its claim token."""
    table = OutboundSms.__table__
    mine = and_(table.c.id == bindparam("sms_id"), table.c.state == "sending",
                table.c.attempts == bindparam("token"))
    now = utcnow()
    if sent:
        db.session.execute(update(table).where(mine).values(
            state="sent", sent_at=now, last_error="", provider_ref=bindparam("ref")),
            [{"sms_id": row.id, "token": row.attempts, "ref": (ref or "")[:100]}
             for row, ref in sent])
        counts["sent"] += len(sent)
    most = current_app.config["SMS_MAX_ATTEMPTS"]
    for row, reason in failed:
        log.warning("SMS %s attempt %s failed: %s", row.id, row.attempts, reason)
        if row.attempts >= most:
            values = {"state": "failed"}
            counts["failed"] += 1
        else:
            wait = min(_FIRST_RETRY_S * 2 ** (row.attempts - 1), _LONGEST_WAIT_S)
            values = {"state": "pending", "next_attempt_at": now + timedelta(seconds=wait)}
            counts["retry"] += 1
        db.session.execute(update(table).where(table.c.id == row.id, table.c.state == "sending",
                                               table.c.attempts == row.attempts)
                           .values(last_error=reason[:300], **values))
    db.session.commit()
