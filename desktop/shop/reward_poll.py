"""The rewards poll: which rewards would customers like? Options, answers, results."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desktop.shop.customers import get_customer
from desktop.shop.errors import InvalidInput
from desktop.shop.text import clean_line, fold
from desktop.store.models import Setting, utc_now
from desktop.store.models_loyalty import POLL_CHANNELS, RewardPollAnswer

POLL_KEY = "loyalty.poll"
DEFAULT_QUESTION = "Which reward would you most like?"
MAX_OPTIONS = 12


@dataclass(frozen=True)
class Poll:
    question: str = DEFAULT_QUESTION
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class PollResult:
    option: str
    count: int
    percent: Decimal  # of all answers, one decimal place
    offered: bool  # False: answers to an option since taken out of the poll


@dataclass(frozen=True)
class PollResults:
    question: str
    answers: int
    results: list[PollResult]  # most chosen first


def get_poll(session: Session) -> Poll:
    """The poll's question and options (none until the shop sets them)."""
    row = session.get(Setting, POLL_KEY)
    if row is None:
        return Poll()
    stored = json.loads(row.value)
    return Poll(stored["question"], tuple(stored["options"]))


def save_poll(session: Session, question: str, options: list[str]) -> Poll:
    """Check and store the poll; options are unique ignoring case and accents."""
    question = clean_line(question, "question", max_length=200, required=True)
    cleaned: list[str] = []
    for typed in options:
        option = clean_line(typed, "option", max_length=120)
        if not option:
            continue
        if any(fold(option) == fold(other) for other in cleaned):
            raise InvalidInput("options", f"“{option}” is in the list twice.")
        cleaned.append(option)
    if len(cleaned) < 2:
        raise InvalidInput("options", "A poll needs at least two options to choose from.")
    if len(cleaned) > MAX_OPTIONS:
        raise InvalidInput("options", f"A poll can have at most {MAX_OPTIONS} options.")
    poll = Poll(question, tuple(cleaned))
    value = json.dumps({"question": poll.question, "options": list(poll.options)})
    session.merge(Setting(key=POLL_KEY, value=value))
    return poll


def record_answer(
    session: Session,
    option: str,
    *,
    customer_id: int | None = None,
    channel: str = "counter",
    when: datetime | None = None,
) -> RewardPollAnswer:
    """One answer; a known customer counts once per option."""
    if channel not in POLL_CHANNELS:
        raise InvalidInput("channel", f"Unknown answer channel “{channel}”.")
    offered = {fold(o): o for o in get_poll(session).options}
    chosen = offered.get(fold(option.strip()))
    if chosen is None:
        raise InvalidInput("option", f"“{option.strip()}” is not one of the poll's options.")
    name = get_customer(session, customer_id).name if customer_id is not None else ""
    answer = RewardPollAnswer(
        option=chosen, customer_id=customer_id, channel=channel, answered_at=when or utc_now()
    )
    session.add(answer)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise InvalidInput("option", f"{name} already chose “{chosen}”.") from None
    return answer


def poll_results(session: Session) -> PollResults:
    """Counts and shares per option, offered options with no answers included."""
    poll = get_poll(session)
    counts = {
        option: int(count)
        for option, count in session.execute(
            select(RewardPollAnswer.option, func.count(RewardPollAnswer.id)).group_by(
                RewardPollAnswer.option
            )
        )
    }
    total = sum(counts.values())
    names = list(poll.options) + sorted(set(counts) - set(poll.options), key=fold)
    results = [
        PollResult(
            option=name,
            count=counts.get(name, 0),
            percent=_share(counts.get(name, 0), total),
            offered=name in poll.options,
        )
        for name in names
    ]
    results.sort(key=lambda r: (-r.count, not r.offered))
    return PollResults(poll.question, total, results)


def _share(count: int, total: int) -> Decimal:
    if not total:
        return Decimal("0.0")
    return (Decimal(100 * count) / total).quantize(Decimal("0.1"), ROUND_HALF_UP)
