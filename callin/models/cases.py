"""Cases (工单): one tracked problem, its departments, trail, return visits and extensions."""
from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..states import CaseState
from . import search
from .base import UTCDateTime, utcnow

NATURES = ("consultation", "help", "complaint", "report", "suggestion")
CHANNELS = ("show", "hotline", "sms", "web", "station")
#: The open states written out as SQL, for the partial index of open cases and the queries that
#: use it (SQLite uses a partial index only when the query repeats its condition word for word).
OPEN_STATES_SQL = ("state IN ('registered', 'dispatched', 'returned', 'in_progress', "
                   "'replied', 'awaiting_visit')")
RESOLVED = ("yes", "partly", "no")
SATISFACTION = ("satisfied", "basically", "unsatisfied")
VISIT_RESULTS = ("reached", "unreachable", "refused")


class Case(db.Model):
    __tablename__ = "cases"
    __table_args__ = (
        # One case per aired call, enforced by the database (NULLs do not collide).
        UniqueConstraint("call_id", name="uq_cases_call_id"),
        Index("ix_cases_registered", "registered_at", "id"),
        Index("ix_cases_state_due", "state", "reply_due_at"),
        Index("ix_cases_phone", "citizen_phone"),
        Index("ix_cases_lead", "lead_department_id", "registered_at", "id"),
        Index("ix_cases_station", "station_id", "registered_at", "id"),
        # Open cases, newest first: the office's "open" and "overdue" lists.
        Index("ix_cases_open_registered", "registered_at", "id",
              sqlite_where=text(OPEN_STATES_SQL), postgresql_where=text(OPEN_STATES_SQL)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    lookup_code: Mapped[str] = mapped_column(String(8))
    version: Mapped[int] = mapped_column(default=1)
    channel: Mapped[str] = mapped_column(String(10))
    show_id: Mapped[int | None] = mapped_column(ForeignKey("shows.id"))
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"))
    caller_id: Mapped[int | None] = mapped_column(ForeignKey("callers.id"))
    citizen_name: Mapped[str] = mapped_column(String(50), default="")
    citizen_phone: Mapped[str | None] = mapped_column(String(32))
    town_id: Mapped[int | None] = mapped_column(ForeignKey("towns.id"))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    nature: Mapped[str] = mapped_column(String(15), default="help")
    urgency: Mapped[str] = mapped_column(String(10), default="normal")
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20), default=CaseState.REGISTERED)
    lead_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    promised_days: Mapped[int | None] = mapped_column()
    needs_field_visit: Mapped[bool] = mapped_column(default=False)
    rejection_reason: Mapped[str] = mapped_column(String(300), default="")
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))

    registered_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    first_dispatched_at = mapped_column(UTCDateTime)
    dispatched_at = mapped_column(UTCDateTime)
    signed_at = mapped_column(UTCDateTime)
    replied_at = mapped_column(UTCDateTime)
    closed_at = mapped_column(UTCDateTime)
    sign_due_at = mapped_column(UTCDateTime)
    reply_due_at = mapped_column(UTCDateTime)
    # Whether each step was on time, recorded when it happened (later edits cannot rewrite it).
    signed_on_time: Mapped[bool | None] = mapped_column()
    replied_on_time: Mapped[bool | None] = mapped_column()

    reply_internal: Mapped[str] = mapped_column(Text, default="")
    reply_public: Mapped[str] = mapped_column(Text, default="")
    resolved: Mapped[str | None] = mapped_column(String(10))
    reopened_count: Mapped[int] = mapped_column(default=0)
    returned_count: Mapped[int] = mapped_column(default=0)
    extension_count: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: The liaison station that filed the case for a resident (channel "station").
    station_id: Mapped[int | None] = mapped_column(ForeignKey("stations.id"))

    lead_department = relationship("Department", foreign_keys=[lead_department_id])
    town = relationship("Town")
    community = relationship("Community")
    category = relationship("Category")
    departments = relationship("CaseDepartment", back_populates="case",
                               cascade="all, delete-orphan")


# PostgreSQL's index of character pairs for text search (see models/search.py).
search.install(Case.__table__)


class CaseDepartment(db.Model):
    """A department on a case: the lead (主办) or a co-handling one (协办); drives visibility."""

    __tablename__ = "case_departments"
    __table_args__ = (UniqueConstraint("case_id", "department_id"),
                      # A department's list pages through this index alone, newest first.
                      Index("ix_case_departments_department_registered", "department_id",
                            "registered_at", "case_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    role: Mapped[str] = mapped_column(String(10), default="lead")
    #: A copy of the case's registered_at (which never changes), so that a department's cases
    #: can be listed newest first from this table's index.
    registered_at = mapped_column(UTCDateTime, nullable=False)

    case = relationship("Case", back_populates="departments")
    department = relationship("Department")


class CaseCitizen(db.Model):
    """A citizen on a case; a merged duplicate brings its citizen, who keeps a return visit."""

    __tablename__ = "case_citizens"
    __table_args__ = (Index("ix_case_citizens_case", "case_id"),
                      Index("ix_case_citizens_phone", "phone"))

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    from_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    name: Mapped[str] = mapped_column(String(50), default="")
    phone: Mapped[str | None] = mapped_column(String(32))
    visited: Mapped[bool] = mapped_column(default=False)


class CaseEvent(db.Model):
    """One step of a case's trail; `public` ones are shown to the citizen."""

    __tablename__ = "case_events"
    __table_args__ = (Index("ix_case_events_case", "case_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_label: Mapped[str] = mapped_column(String(100), default="")
    kind: Mapped[str] = mapped_column(String(30))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str | None] = mapped_column(String(20))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    text: Mapped[str] = mapped_column(Text, default="")
    public: Mapped[bool] = mapped_column(default=False)
    at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    actor = relationship("User")


class ReturnVisit(db.Model):
    """One attempt to call a citizen back (回访)."""

    __tablename__ = "return_visits"
    __table_args__ = (Index("ix_return_visits_case", "case_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("case_citizens.id"))
    result: Mapped[str] = mapped_column(String(15))
    resolved: Mapped[str | None] = mapped_column(String(10))
    satisfaction: Mapped[str | None] = mapped_column(String(15))
    department_at_fault: Mapped[bool] = mapped_column(default=False)
    comment: Mapped[str] = mapped_column(Text, default="")
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class Extension(db.Model):
    """A department's request for more time, decided by the office."""

    __tablename__ = "extensions"
    __table_args__ = (Index("ix_extensions_case", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    days: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(500))
    state: Mapped[str] = mapped_column(String(10), default="pending")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(String(300), default="")


class Notice(db.Model):
    """A reminder (催办) or supervision notice (督办); one per case, kind and deadline."""

    __tablename__ = "notices"
    __table_args__ = (UniqueConstraint("case_id", "kind", "deadline_at",
                                       name="uq_notices_case_kind_deadline"),
                      Index("ix_notices_department", "department_id", "sent_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    kind: Mapped[str] = mapped_column(String(15))
    deadline_at = mapped_column(UTCDateTime, nullable=False)
    sent_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    read_at = mapped_column(UTCDateTime)


class Reveal(db.Model):
    """A deliberate look at a citizen's personal data: who saw what, when."""

    __tablename__ = "reveals"
    __table_args__ = (Index("ix_reveals_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    fields: Mapped[str] = mapped_column(String(50), default="name,phone")
    at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    user = relationship("User")
    case = relationship("Case")


class DeadlineRule(db.Model):
    """How long a department has, per nature and urgency; edited by the admin."""

    __tablename__ = "deadline_rules"
    __table_args__ = (UniqueConstraint("nature", "urgency"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    nature: Mapped[str] = mapped_column(String(15))
    urgency: Mapped[str] = mapped_column(String(10))
    sign_hours: Mapped[int | None] = mapped_column()      # hours, for urgent cases
    sign_days: Mapped[int | None] = mapped_column()       # working days otherwise
    reply_days: Mapped[int] = mapped_column()             # working days; 0 = the same day


class CaseCounter(db.Model):
    """The last case number given out in a month (numbers read like 2611-0042)."""

    __tablename__ = "case_counters"

    period: Mapped[str] = mapped_column(String(4), primary_key=True)
    last: Mapped[int] = mapped_column(default=0)


class SupervisionStep(db.Model):
    """The supervision ladder: which notice goes out how many working days after a deadline."""

    __tablename__ = "supervision_steps"

    kind: Mapped[str] = mapped_column(String(15), primary_key=True)  # reminder, supervision, listed
    overdue_days: Mapped[int] = mapped_column()


def _is(user, *roles):
    return bool(user and getattr(user, "is_authenticated", False) and user.role in roles)


def _leads(user, case):
    return _is(user, "department") and user.department_id == case.lead_department_id


class CaseRules:
    """What a user may do with a case now: templates ask these instead of comparing states."""

    def can_dispatch(self, user):
        return _is(user, "admin", "office") and self.state in (CaseState.REGISTERED,
                                                              CaseState.RETURNED)

    def can_sign(self, user):
        return _leads(user, self) and self.state == CaseState.DISPATCHED

    def can_send_back(self, user):
        return _leads(user, self) and self.state in (CaseState.DISPATCHED, CaseState.IN_PROGRESS)

    def can_reply(self, user):
        return _leads(user, self) and self.state == CaseState.IN_PROGRESS

    def can_request_extension(self, user):
        return _leads(user, self) and self.state in (CaseState.DISPATCHED, CaseState.IN_PROGRESS)

    def can_review(self, user):
        return _is(user, "admin", "office") and self.state == CaseState.REPLIED

    def can_visit(self, user):
        return _is(user, "admin", "office") and self.state == CaseState.AWAITING_VISIT

    def can_merge(self, user):
        return _is(user, "admin", "office") and self.state in (
            CaseState.REGISTERED, CaseState.DISPATCHED, CaseState.RETURNED)

    def can_reject(self, user):
        return _is(user, "admin", "office") and self.state in (CaseState.REGISTERED,
                                                              CaseState.RETURNED)

    def can_note(self, user):
        return _is(user, "admin", "office", "department") and self.state not in (
            CaseState.MERGED, CaseState.REJECTED)

    def can_decide_extension(self, user):
        return _is(user, "admin", "office")

    def can_reveal(self, user):
        return _is(user, "department", "field", "station")


for _name, _rule in vars(CaseRules).items():
    if _name.startswith("can_"):
        setattr(Case, _name, _rule)


class PublicLookup(db.Model):
    """A citizen's tracking lookup, kept so that guessing lookup codes can be throttled."""

    __tablename__ = "public_lookups"
    __table_args__ = (Index("ix_public_lookups_ip_at", "ip", "at"),
                      Index("ix_public_lookups_number_at", "number", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    ip: Mapped[str] = mapped_column(String(64), default="")
    number: Mapped[str] = mapped_column(String(20), default="")
    found: Mapped[bool] = mapped_column(default=False)
    at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
