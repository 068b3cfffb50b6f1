"""All models, imported in one place so Alembic and create_all see every table."""
from .calendar import CalendarDay
from .callers import CALLER_FLAGS, Caller
from .calls import OUTCOMES, SOURCES, URGENCIES, Call, CallEvent, TelephonyEvent
from .cases import (CHANNELS, NATURES, RESOLVED, SATISFACTION, VISIT_RESULTS, Case,
                    CaseCitizen, CaseCounter, CaseDepartment, CaseEvent, DeadlineRule, Extension,
                    Notice, PublicLookup, Reveal, ReturnVisit, SupervisionStep)
from .intake import (MESSAGE_CHANNELS, MESSAGE_STATES, OUTBOX_STATES, CaseAttachment,
                     InboundMessage, OutboundSms, Station)
from .notes import CANNED_NOTES, RECIPIENTS, Note
from .reference import Category, Community, Department, Town
from .shows import Show
from .users import ROLES, ApiToken, LoginAttempt, User

__all__ = [
    "CalendarDay", "CHANNELS", "NATURES", "RESOLVED", "SATISFACTION", "VISIT_RESULTS", "Case",
    "CaseCitizen", "CaseCounter", "CaseDepartment", "CaseEvent", "DeadlineRule", "Extension",
    "Notice", "PublicLookup", "Reveal", "ReturnVisit", "SupervisionStep",
    "CALLER_FLAGS", "Caller", "OUTCOMES", "SOURCES", "URGENCIES", "Call", "CallEvent",
    "TelephonyEvent", "CANNED_NOTES", "RECIPIENTS", "Note", "Category", "Community", "Department",
    "Town", "Show", "MESSAGE_CHANNELS", "MESSAGE_STATES", "OUTBOX_STATES", "CaseAttachment",
    "InboundMessage", "OutboundSms", "Station", "ROLES", "ApiToken", "LoginAttempt", "User",
]
