"""Callers: one row per phone number, with the screener's warning or ban."""
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow

CALLER_FLAGS = ("none", "warning", "banned")


class Caller(db.Model):
    __tablename__ = "callers"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: E.164 form, e.g. +8613853612345 (see callin/phones.py).
    phone: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(50), default="")
    town_id: Mapped[int | None] = mapped_column(ForeignKey("towns.id"))
    flag: Mapped[str] = mapped_column(String(10), default="none")
    flag_reason: Mapped[str] = mapped_column(String(200), default="")
    last_aired_at = mapped_column(UTCDateTime)
    created_at = mapped_column(UTCDateTime, default=utcnow)

    town = relationship("Town")
