"""Intake helpers: similar open cases (duplicates) and linking a report to an existing case."""
from . import bp  # noqa: F401
