"""The unit of work for a show's live state: lock, raise the version, commit, then push."""
from contextlib import contextmanager
from threading import Lock

from flask_babel import gettext as _
from sqlalchemy import select, update

from ..errors import NotFound
from ..extensions import db
from ..models import Show
from ..realtime import broadcast, payloads


#: The last state built per (show, audience); served again only while its version is current.
_recent = {}
_recent_lock = Lock()


def _key(show, audience):
    # created_at guards against a recreated database reusing the same show id
    return (show.id, show.created_at, audience)


def _remember(keyed):
    with _recent_lock:
        _recent.update(keyed)


@contextmanager
def changing_show(show_id):
    """Yield the show locked for this transaction with its version raised by one.

    The UPDATE takes the row lock first, so concurrent writers to one show queue up and get
    consecutive versions; the snapshot is built before the commit, so the push carries exactly
    the state of the commit it names.
    """
    bumped = db.session.execute(
        update(Show.__table__).where(Show.__table__.c.id == show_id)
        .values(version=Show.__table__.c.version + 1))
    if bumped.rowcount != 1:
        db.session.rollback()
        raise NotFound(_("Show %(id)s does not exist.", id=show_id))
    show = db.session.get(Show, show_id, populate_existing=True)
    try:
        yield show
        db.session.flush()
        state = payloads.snapshot(show)
        keyed = {_key(show, audience): payload for audience, payload in state.items()}
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    _remember(keyed)  # only after the commit: a rolled-back version must never be served
    broadcast.push_show(show_id, state)


def read_state(show_id, audience):
    """The current state of a show for one audience, consistent with its version number."""
    # FOR SHARE waits for a writer holding the row, so the version and the calls match.
    show = db.session.scalars(
        select(Show).where(Show.id == show_id).with_for_update(read=True)
        .execution_options(populate_existing=True)).first()
    if show is None:
        db.session.rollback()
        raise NotFound(_("Show %(id)s does not exist.", id=show_id))
    try:
        known = _recent.get(_key(show, audience))
        if known is not None and known["version"] == show.version:
            return show, known  # a reconnect storm costs one version check per screen
        state = payloads.snapshot(show, audiences=(audience,))
        _remember({_key(show, audience): state[audience]})
        return show, state[audience]
    finally:
        db.session.commit()


def get_show(show_id):
    """The show with this id, or NotFound."""
    show = db.session.get(Show, show_id)
    if show is None:
        raise NotFound(_("Show %(id)s does not exist.", id=show_id))
    return show
