"""Intake channels: liaison stations, inbound texts (SMS and web), outbound SMS, case photos."""
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow

MESSAGE_CHANNELS = ("sms", "web")
#: inbox: waiting for the producer during a show; queued: put into the live queue as a text;
#: case: a case was opened (or the text was linked to one); dismissed: the producer dropped it.
MESSAGE_STATES = ("inbox", "queued", "case", "dismissed")
OUTBOX_STATES = ("pending", "sending", "sent", "failed")


class Station(db.Model):
    """A village or community liaison station (社区工作联络站) that files on residents' behalf."""

    __tablename__ = "stations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    town_id: Mapped[int | None] = mapped_column(ForeignKey("towns.id"))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"))
    contact_name: Mapped[str] = mapped_column(String(50), default="")
    #: E.164 form (see callin/phones.py), or None.
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    is_active: Mapped[bool] = mapped_column(default=True)

    town = relationship("Town")
    community = relationship("Community")


class InboundMessage(db.Model):
    """One text that reached the programme by SMS or the web; exactly once per message id."""

    __tablename__ = "inbound_messages"
    __table_args__ = (
        UniqueConstraint("channel", "message_id", name="uq_inbound_messages_channel_message_id"),
        Index("ix_inbound_messages_show_state", "show_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))
    #: The gateway's message id (SMS), or one we make up (web).
    message_id: Mapped[str] = mapped_column(String(100))
    #: E.164 form of the sender's number.
    from_phone: Mapped[str] = mapped_column(String(32))
    to: Mapped[str] = mapped_column(String(32), default="")
    name: Mapped[str] = mapped_column(String(50), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    received_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    state: Mapped[str] = mapped_column(String(12), default="inbox")
    #: The live show whose inbox it arrived in, if one was live.
    show_id: Mapped[int | None] = mapped_column(ForeignKey("shows.id"))
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    handled_at = mapped_column(UTCDateTime)
    #: Why the producer dismissed it (optional).
    dismiss_reason: Mapped[str] = mapped_column(String(300), default="")

    show = relationship("Show")
    call = relationship("Call")
    case = relationship("Case")


class OutboundSms(db.Model):
    """One SMS to send, written in the same transaction as what caused it, so none is lost."""

    __tablename__ = "outbound_sms"
    __table_args__ = (
        # One automatic reply of each kind per inbound message (NULLs do not collide).
        UniqueConstraint("inbound_id", "kind", name="uq_outbound_sms_inbound_kind"),
        Index("ix_outbound_sms_due", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    to_phone: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20), default="case_number")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    inbound_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_messages.id"))
    state: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    last_error: Mapped[str] = mapped_column(String(300), default="")
    provider_ref: Mapped[str] = mapped_column(String(100), default="")
    sent_at = mapped_column(UTCDateTime)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class CaseAttachment(db.Model):
    """A photo on a case, stored re-encoded (metadata such as GPS stripped) under instance/."""

    __tablename__ = "case_attachments"
    __table_args__ = (Index("ix_case_attachments_case", "case_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    #: The file name the person chose, for display only.
    filename: Mapped[str] = mapped_column(String(200), default="")
    #: Our own name for the stored file (never derived from the upload's name).
    stored_name: Mapped[str] = mapped_column(String(100), unique=True)
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column()
    width: Mapped[int] = mapped_column(default=0)
    height: Mapped[int] = mapped_column(default=0)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
