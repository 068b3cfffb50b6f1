"""The show report: calls received, screened out, abandoned, aired; times; topics; commitments."""
from collections import Counter
from statistics import mean

from sqlalchemy import select

from .. import policy
from ..extensions import db
from ..models import Call
from ..models.base import iso
from ..states import AIRED_CALL_STATES, CallState
from .live import get_show


def _seconds(start, end):
    return (end - start).total_seconds() if start and end else None


def _avg(values):
    values = [v for v in values if v is not None]
    return round(mean(values), 1) if values else None


def show_report(show_id, actor):
    """Figures for one show, as the office and the studio read them after the broadcast."""
    policy.require(actor, "report")
    show = get_show(show_id)
    calls = db.session.scalars(select(Call).where(Call.show_id == show_id)
                               .order_by(Call.id)).all()
    states = Counter(c.state for c in calls)
    aired = [c for c in calls if c.state in AIRED_CALL_STATES]
    topics = Counter((c.category.parent.name if c.category and c.category.parent
                      else c.category.name if c.category else "—") for c in aired)
    return {
        "show": {"id": show.id, "title": show.title, "state": show.state,
                 "department": show.department.name if show.department else None,
                 "starts_at": iso(show.starts_at), "went_live_at": iso(show.went_live_at),
                 "ended_at": iso(show.ended_at)},
        "received": len(calls),
        "screened_out": states[CallState.REJECTED],
        "abandoned": states[CallState.ABANDONED],
        "aired": len(aired),
        "dropped": states[CallState.DROPPED],
        "by_state": dict(states),
        "by_source": dict(Counter(c.source for c in calls)),
        "avg_wait_s": _avg(_seconds(c.ready_at, c.on_air_at) for c in aired),
        "avg_airtime_s": _avg(_seconds(c.on_air_at, c.ended_at) for c in aired),
        "topics": [{"category": name, "calls": n} for name, n in topics.most_common()],
        "outcomes": dict(Counter(c.outcome or "none" for c in aired)),
        "commitments": [{"call_id": c.id, "topic": c.topic, "days": c.commitment_days}
                        for c in aired if c.outcome == "commitment"],
        "issues_raised": sum(1 for c in aired if c.outcome and c.outcome != "no_issue"),
        "aired_calls": [{"id": c.id, "topic": c.topic, "town": c.town.name if c.town else None,
                         "outcome": c.outcome, "on_air_at": iso(c.on_air_at),
                         "airtime_s": _seconds(c.on_air_at, c.ended_at)} for c in aired],
    }
