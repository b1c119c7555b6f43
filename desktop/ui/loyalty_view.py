"""The words the Loyalty page shows for a member, read while the session is open: balance in the
shop's own word, tier and the way to the next one, rewards with what redeeming them does."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from desktop.shop.loyalty import MemberSummary, RewardOption, member_summary
from desktop.shop.loyalty_rules import Programme
from desktop.shop.rewards import get_reward
from desktop.store.models_loyalty import LoyaltyAccount, LoyaltyEntry
from desktop.ui.customer_format import ShopFormat

ENTRY_WORDS = {
    "earn": "Earned",
    "reverse": "Taken back",
    "redeem": "Redeemed",
    "adjust": "Adjusted",
    "bonus": "Bonus",
    "expire": "Expired",
}


@dataclass(frozen=True)
class RewardChoice:
    """A reward the member can have now, and the question asked before it is theirs."""

    reward_id: int
    name: str
    description: str  # '£5.00 off'
    cost: str  # '500 points'
    question: str  # 'Turn 500 points into a £5.00 voucher for Zoë?'
    after: str  # 'Zoë will have 740 points left.'


@dataclass(frozen=True)
class TierView:
    name: str  # 'Silver', or 'No tier yet'
    detail: str  # 'Earns ×1.25 points · £137.50 spent in the last 12 months'
    perks: str
    progress: float  # towards the next tier, 0 to 1 (1 at the top tier)
    next_step: str  # '£62.50 more to reach Gold'


@dataclass(frozen=True)
class MemberView:
    account: LoyaltyAccount  # as read: redeeming refuses if another till wrote since
    customer_id: int | None
    name: str
    card: str  # grouped for reading
    subtitle: str
    balance: int
    programme: Programme
    stamps_on_card: int | None  # stamp programmes: stamps on the card being filled
    expiry: str
    tier: TierView | None  # None when the programme has no tiers
    rewards: list[RewardChoice]
    next_reward: str
    recent: list[tuple[str, str, str, str]]  # when, what, points, balance after

    @property
    def unit_word(self) -> str:
        return self.programme.unit_singular if self.balance == 1 else self.programme.unit_plural


def _article(words: str) -> str:
    """'a' or 'an' before a value as it is read aloud: 'an 8% off voucher', 'a £5.00 voucher'."""
    digits = words[: len(words) - len(words.lstrip("0123456789"))]
    return "an" if digits.startswith("8") or digits in ("11", "18") else "a"


def voucher_words(gives: str, description: str) -> str:
    """What a reward turns into, for the question: 'a £5.00 voucher', 'a 10% off voucher', 'a
    voucher for a free Flat white (worth £3.20)'."""
    if gives == "free_item":
        return "a voucher for " + description.replace("Free ", "a free ", 1)
    value = description.removesuffix(" off") if gives == "amount" else description
    return f"{_article(value)} {value} voucher"


def _choice(
    session: Session, option: RewardOption, summary: MemberSummary, name: str
) -> RewardChoice:
    programme = summary.programme
    reward = get_reward(session, option.reward_id)
    cost = programme.units(option.cost)
    return RewardChoice(
        reward_id=option.reward_id,
        name=option.name,
        description=option.description,
        cost=cost,
        question=f"Turn {cost} into {voucher_words(reward.gives, option.description)} for {name}?",
        after=f"{name} will have {programme.units(summary.balance - option.cost)} left.",
    )


def _tier(summary: MemberSummary, shown: ShopFormat) -> TierView | None:
    programme, status = summary.programme, summary.tier
    if not programme.tiers:
        return None
    spent = f"{shown.money(status.spend)} spent in the last {programme.tier_months} months"
    current = status.tier
    detail = spent
    if current is not None and current.multiplier != 1:
        detail = f"Earns ×{current.multiplier.normalize():f} {programme.unit_plural} · {spent}"
    if status.next_tier is None or status.to_next is None:
        return TierView(current.name if current else "", detail, _perks(summary), 1.0, "Top tier")
    floor = current.min_spend if current else 0
    span = max(status.next_tier.min_spend - floor, 1)
    return TierView(
        name=current.name if current else "No tier yet",
        detail=detail,
        perks=_perks(summary),
        progress=min(max((status.spend - floor) / span, 0.0), 1.0),
        next_step=f"{shown.money(status.to_next)} more to reach {status.next_tier.name}",
    )


def _perks(summary: MemberSummary) -> str:
    tier = summary.tier.tier
    return tier.perks if tier is not None else ""


def _entry(entry: LoyaltyEntry, shown: ShopFormat) -> tuple[str, str, str, str]:
    what = ENTRY_WORDS.get(entry.kind, entry.kind)
    if entry.reason:
        what = f"{what} — {entry.reason}"
    return (shown.moment(entry.created_at), what, f"{entry.points:+,}", f"{entry.balance_after:,}")


def member_view(session: Session, account_id: int) -> MemberView:
    """Everything about one member as the page shows it."""
    summary = member_summary(session, account_id)
    shown = ShopFormat.of(session)
    programme, account = summary.programme, summary.account
    name = summary.name
    subtitle = f"Card {summary.card}"
    if account.customer_id is not None:
        subtitle += f" · customer {account.customer_id}"
    subtitle += f" · member since {shown.day(account.enrolled_at)}"
    expiry = ""
    if summary.expires_on is not None:
        expiry = (
            f"{programme.unit_plural.capitalize()} expire on {shown.day(summary.expires_on)} "
            "without another visit."
        )
    next_reward = ""
    if summary.next_reward is not None:
        option = summary.next_reward
        next_reward = f"Next: {option.name}, {programme.units(option.short_by)} to go."
    elif not summary.affordable:
        next_reward = "There are no rewards yet: add some with “Rewards…”."
    return MemberView(
        account=account,
        customer_id=account.customer_id,
        name=name,
        card=summary.card,
        subtitle=subtitle,
        balance=summary.balance,
        programme=programme,
        stamps_on_card=(
            max(summary.balance, 0) % programme.card_size if programme.kind == "stamps" else None
        ),
        expiry=expiry,
        tier=_tier(summary, shown),
        rewards=[_choice(session, option, summary, name) for option in summary.affordable],
        next_reward=next_reward,
        recent=[_entry(entry, shown) for entry in summary.recent],
    )
