"""All models, imported in one place so Alembic and create_all see every table."""
from .callers import CALLER_FLAGS, Caller
from .calls import OUTCOMES, SOURCES, URGENCIES, Call, CallEvent, TelephonyEvent
from .notes import CANNED_NOTES, RECIPIENTS, Note
from .reference import Category, Community, Department, Town
from .shows import Show
from .users import ROLES, ApiToken, LoginAttempt, User

__all__ = [
    "CALLER_FLAGS", "Caller", "OUTCOMES", "SOURCES", "URGENCIES", "Call", "CallEvent",
    "TelephonyEvent", "CANNED_NOTES", "RECIPIENTS", "Note", "Category", "Community", "Department",
    "Town", "Show", "ROLES", "ApiToken", "LoginAttempt", "User",
]
