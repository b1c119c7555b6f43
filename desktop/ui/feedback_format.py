"""How feedback reads in the Feedback page's lists: stars, the recommend score, age, channel."""

from __future__ import annotations

from datetime import datetime

from desktop.shop.feedback import CHANNELS, STATES
from desktop.store.models import utc_now

LOW_COLOUR = "#b3261e"
STATE_COLOURS = {"new": LOW_COLOUR, "contacted": "#8a5a00", "resolved": "#2e7d32"}


def stars(rating: int | None) -> str:
    """'★★☆☆☆', or '' without a rating."""
    return "" if rating is None else "★" * rating + "☆" * (5 - rating)


def score(rating: int | None, recommend: int | None) -> str:
    """'★★☆☆☆  4/10': whichever scores were given."""
    parts = [stars(rating)] if rating is not None else []
    if recommend is not None:
        parts.append(f"{recommend}/10")
    return "  ".join(parts)


def day(moment: datetime) -> str:
    return f"{moment.astimezone():%d %b %Y}"


def moment_text(moment: datetime) -> str:
    return f"{moment.astimezone():%d %b %Y %H:%M}"


def age(moment: datetime, now: datetime | None = None) -> str:
    """'today', '1 day', '12 days'."""
    days = ((now or utc_now()) - moment).days
    if days <= 0:
        return "today"
    return "1 day" if days == 1 else f"{days} days"


def channel(name: str) -> str:
    return CHANNELS.get(name, name)


def state(name: str) -> str:
    return STATES.get(name, name)


def one_line(text: str, width: int = 120) -> str:
    """A comment on one table line: breaks become spaces, long ones end with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
