"""Shows (节目期次): one broadcast with its guest department and live-state version."""
from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..states import ShowState
from .base import UTCDateTime, utcnow


class Show(db.Model):
    __tablename__ = "shows"
    # The database, not Python, guarantees one live show per studio.
    __table_args__ = (
        Index("uq_shows_one_live_per_studio", "studio", unique=True,
              sqlite_where=text("state = 'live'"), postgresql_where=text("state = 'live'")),
        Index("ix_shows_starts_at", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    studio: Mapped[str] = mapped_column(String(40), default="main")
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    guest_names: Mapped[str] = mapped_column(String(200), default="")
    starts_at = mapped_column(UTCDateTime, nullable=False)
    duration_min: Mapped[int] = mapped_column(default=60)
    state: Mapped[str] = mapped_column(String(20), default=ShowState.SCHEDULED)
    lines_open: Mapped[bool] = mapped_column(default=False)
    #: Raised by one in the transaction of every committed change to the live state.
    version: Mapped[int] = mapped_column(default=0)
    airtime_limit_s: Mapped[int] = mapped_column(default=240)
    wait_warning_s: Mapped[int] = mapped_column(default=300)
    went_live_at = mapped_column(UTCDateTime)
    ended_at = mapped_column(UTCDateTime)
    created_at = mapped_column(UTCDateTime, default=utcnow)

    department = relationship("Department")

    @property
    def is_live(self):
        return self.state == ShowState.LIVE

    def can_start(self, user):
        return user.role in ("admin", "producer") and self.state == ShowState.SCHEDULED

    def can_end(self, user):
        return user.role in ("admin", "producer") and self.state == ShowState.LIVE
