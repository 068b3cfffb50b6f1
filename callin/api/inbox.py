"""The producer's inbox of texts during a live show: queue, turn into a case, dismiss."""
from . import bp  # noqa: F401
