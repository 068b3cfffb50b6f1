"""Case photos: checked by content, re-encoded without metadata, stored under our own names."""
import hashlib
import io
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from .. import policy
from ..errors import DomainError, NotFound, ValidationError
from ..extensions import db
from ..models import Case, CaseAttachment
from ..validation import parse_id

MAX_PHOTOS = 5
MAX_PHOTO_BYTES = 5 * 1024 * 1024
#: Larger pictures are refused before they are decoded (a small file can hold a huge image).
MAX_PIXELS = 64_000_000
#: The long side of a stored photo: plenty to see a broken pipe, and bounded on disk.
MAX_SIDE = 2560
READABLE = {"JPEG", "MPO", "PNG", "WEBP", "GIF"}
_PENDING = "callin_unsaved_photo_files"
_UNSAFE = re.compile(r"[\x00-\x1f\x7f]")


class PhotoStoreError(DomainError):
    """The photo store could not take a file; nothing of the request was kept."""

    status = 503
    code = "photo_store"


@dataclass(frozen=True)
class PreparedPhoto:
    """A checked photo, re-encoded and ready to store."""

    filename: str
    data: bytes
    content_type: str
    extension: str
    width: int
    height: int
    sha256: str


def check_photos(files):
    """Check up to MAX_PHOTOS uploads by content; re-encode them without metadata, or raise."""
    chosen = [f for f in (files or ()) if f is not None and (f.filename or "").strip()]
    if len(chosen) > MAX_PHOTOS:
        message = _("At most %(max)s photos; you chose %(n)s. Choose again.",
                    max=MAX_PHOTOS, n=len(chosen))
        raise ValidationError(message, {"photos": message})
    problems, prepared = [], []
    for upload in chosen:
        name = display_name(upload.filename)
        data = upload.stream.read(MAX_PHOTO_BYTES + 1)
        if len(data) > MAX_PHOTO_BYTES:
            problems.append(_("%(name)s is larger than 5 MB.", name=name))
            continue
        photo = _prepare(name, data)
        if photo is None:
            problems.append(_("%(name)s is not a photo we can read (JPEG, PNG, WebP or GIF).",
                              name=name))
        else:
            prepared.append(photo)
    if problems:
        raise ValidationError(_("Some photos were refused."), {"photos": " ".join(problems)})
    return prepared


def display_name(raw):
    """The chosen file's name without folders or control characters, for display only."""
    name = str(raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    return _UNSAFE.sub("", name).strip()[:100] or "photo"


def _prepare(name, data):
    """The photo re-encoded (orientation applied, metadata dropped), or None if it is no photo."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            probe.verify()
        if kind not in READABLE:
            return None
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            return None
        image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # JPEG decodes at a smaller scale when it can
        image = ImageOps.exif_transpose(image)  # turn it upright before the EXIF goes
        image.thumbnail((MAX_SIDE, MAX_SIDE))
        return _encode(name, image)
    except Exception:  # noqa: BLE001 - a hostile file can make a decoder fail in any way
        return None


def _encode(name, image):
    transparent = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    image = image.convert("RGBA" if transparent else "RGB")
    image.info.clear()  # EXIF, GPS, XMP, comments, ICC: nothing of the original goes along
    out = io.BytesIO()
    if transparent:
        image.save(out, "PNG", optimize=True)
        content_type, extension = "image/png", ".png"
    else:
        image.save(out, "JPEG", quality=85, optimize=True)
        content_type, extension = "image/jpeg", ".jpg"
    data = out.getvalue()
    return PreparedPhoto(filename=name, data=data, content_type=content_type,
                         extension=extension, width=image.width, height=image.height,
                         sha256=hashlib.sha256(data).hexdigest())


def attach_photos(case, prepared, actor=None):
    """Store the photos and add their rows in the current transaction; files go if it fails."""
    _watch_transactions()
    pending = db.session.info.setdefault(_PENDING, [])
    rows = []
    for photo in prepared:
        stored = secrets.token_hex(16) + photo.extension
        path = stored_path(stored)
        pending.append(path)  # before writing: a half-written file is removed too
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "xb") as handle:
                handle.write(photo.data)
        except OSError as error:
            current_app.logger.error("photo store failed: %s", error)
            raise PhotoStoreError(_("The photos could not be stored just now; nothing was "
                                    "saved. Try again in a few minutes.")) from error
        rows.append(CaseAttachment(case_id=case.id, filename=photo.filename, stored_name=stored,
                                   content_type=photo.content_type, size=len(photo.data),
                                   width=photo.width, height=photo.height, sha256=photo.sha256,
                                   uploaded_by_id=actor.id if actor else None))
    db.session.add_all(rows)
    return rows


def stored_path(stored_name):
    """Where a stored photo lives: UPLOAD_FOLDER/ab/abcdef….jpg."""
    return Path(current_app.config["UPLOAD_FOLDER"]) / stored_name[:2] / stored_name


def photos_of(case):
    """The case's photos, oldest first."""
    return db.session.scalars(select(CaseAttachment).where(CaseAttachment.case_id == case.id)
                              .order_by(CaseAttachment.id)).all()


def photo_for(photo_id, user):
    """A photo and its file path, if the user may see its case; a 404 otherwise (never public)."""
    key = parse_id(photo_id)
    photo = db.session.get(CaseAttachment, key) if key else None
    case = db.session.get(Case, photo.case_id) if photo else None
    if case is None or not policy.sees_case(user, case):
        raise NotFound(_("There is no such photo."))
    path = stored_path(photo.stored_name)
    if not path.is_file():
        raise NotFound(_("The photo's file is missing from the store."))
    return photo, path


# --- files written in a transaction that does not commit are removed ---------------------------

def _watch_transactions():
    if not event.contains(Session, "after_commit", _committed):
        event.listen(Session, "after_commit", _committed)
        event.listen(Session, "after_transaction_end", _ended)


def _committed(session):
    session.info.pop(_PENDING, None)


def _ended(session, transaction):
    if transaction.parent is None:  # the outer transaction: rolled back or closed unsaved
        for path in session.info.pop(_PENDING, []):
            try:
                path.unlink(missing_ok=True)
            except OSError:  # never written (the store failed there): nothing to remove
                pass
