"""Notes passed between producer, host and guest during a show."""
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow

RECIPIENTS = ("all", "host", "guest", "producer")
CANNED_NOTES = ("wrap_up", "next_urgent", "no_more_calls", "break")


class Note(db.Model):
    __tablename__ = "notes"
    __table_args__ = (Index("ix_notes_show", "show_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id"))
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    author_role: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(20), default="all")
    canned: Mapped[str | None] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(String(500))
    created_at = mapped_column(UTCDateTime, default=utcnow)

    author = relationship("User")
