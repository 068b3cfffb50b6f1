"""Calls (来电): one caller's call, or a text read on air, during a show."""
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..states import CallState
from .base import UTCDateTime, utcnow

OUTCOMES = ("answered", "commitment", "field_visit", "no_issue")
URGENCIES = ("normal", "urgent")
#: "sms" and "web" calls are texts read out on air (see models/intake.py).
SOURCES = ("phone", "manual", "sms", "web")


class Call(db.Model):
    __tablename__ = "calls"
    __table_args__ = (
        UniqueConstraint("call_ref", name="uq_calls_call_ref"),
        Index("ix_calls_show_state", "show_id", "state"),
        Index("ix_calls_caller", "caller_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id"))
    caller_id: Mapped[int] = mapped_column(ForeignKey("callers.id"))
    call_ref: Mapped[str | None] = mapped_column(String(100))
    line: Mapped[int | None] = mapped_column()
    source: Mapped[str] = mapped_column(String(10), default="manual")
    state: Mapped[str] = mapped_column(String(20), default=CallState.RINGING)
    #: Order in the ready queue (lower airs first); set when the call becomes ready.
    position: Mapped[int | None] = mapped_column()
    #: Raised on every change of the card, so stale edits can be refused.
    version: Mapped[int] = mapped_column(default=1)

    name: Mapped[str] = mapped_column(String(50), default="")
    town_id: Mapped[int | None] = mapped_column(ForeignKey("towns.id"))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    topic: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    urgency: Mapped[str] = mapped_column(String(10), default="normal")
    consent: Mapped[bool] = mapped_column(default=False)
    host_note: Mapped[str] = mapped_column(String(300), default="")
    airtime_limit_s: Mapped[int | None] = mapped_column()
    rejection_reason: Mapped[str] = mapped_column(String(300), default="")

    outcome: Mapped[str | None] = mapped_column(String(20))
    commitment_days: Mapped[int | None] = mapped_column()
    outcome_note: Mapped[str] = mapped_column(String(500), default="")

    ringing_at = mapped_column(UTCDateTime)
    screening_at = mapped_column(UTCDateTime)
    ready_at = mapped_column(UTCDateTime)
    on_air_at = mapped_column(UTCDateTime)
    ended_at = mapped_column(UTCDateTime)
    created_at = mapped_column(UTCDateTime, default=utcnow)

    show = relationship("Show")
    caller = relationship("Caller")
    town = relationship("Town")
    community = relationship("Community")
    category = relationship("Category")


class CallEvent(db.Model):
    """One step in a call's trail: who moved it or changed it, and when."""

    __tablename__ = "call_events"
    __table_args__ = (Index("ix_call_events_call", "call_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_label: Mapped[str] = mapped_column(String(64), default="")
    kind: Mapped[str] = mapped_column(String(30))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str | None] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    at = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class TelephonyEvent(db.Model):
    """One processed webhook event; the unique key makes a repeated event a no-op."""

    __tablename__ = "telephony_events"
    __table_args__ = (UniqueConstraint("call_ref", "event", name="uq_telephony_events_ref_event"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_ref: Mapped[str] = mapped_column(String(100))
    event: Mapped[str] = mapped_column(String(20))
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"))
    outcome: Mapped[str] = mapped_column(String(40), default="")
    received_at = mapped_column(UTCDateTime, default=utcnow)
