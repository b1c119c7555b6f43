"""How each campaign did: the list of campaigns with their figures, and the panel of results
for the one selected (emails sent and failed, pieces printed, lists exported, customers won
back, vouchers redeemed and what the returners spent)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget
from sqlalchemy.orm import Session

from desktop.shop.campaigns import CampaignResults, campaign_results, list_campaigns
from desktop.shop.money import format_money
from desktop.shop.settings import ShopProfile
from desktop.ui.customer_format import mute
from desktop.ui.table_models import Index, RowsTableModel


@dataclass(frozen=True)
class CampaignRow:
    id: int
    name: str
    segment: str
    purpose: str
    created_at: datetime
    results: CampaignResults


def campaign_rows(session: Session) -> list[CampaignRow]:
    """Every campaign, newest first, with its results as of now."""
    return [
        CampaignRow(
            campaign.id,
            campaign.name,
            campaign.segment_name,
            campaign.purpose,
            campaign.created_at,
            campaign_results(session, campaign.id),
        )
        for campaign in list_campaigns(session)
    ]


class CampaignsTableModel(RowsTableModel):
    HEADERS = (
        "Campaign",
        "Segment",
        "Created",
        "Emails sent",
        "Failed",
        "Won back",
        "Vouchers redeemed",
        "Returners' spend",
    )
    NUMBERS = range(3, 8)

    def __init__(self, profile: ShopProfile, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.profile = profile

    def set_rows(self, rows: list[CampaignRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, number: int) -> CampaignRow:
        found: CampaignRow = self._rows[number]
        return found

    def row_of(self, campaign_id: int) -> int | None:
        for number, row in enumerate(self._rows):
            if row.id == campaign_id:
                return number
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self.row(index.row())
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self.NUMBERS:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        results = row.results
        issued = results.vouchers_issued
        cells = (
            row.name,
            row.segment or "—",
            f"{row.created_at.astimezone():%d %b %Y}",
            f"{results.sent:,}",
            f"{results.failed:,}",
            f"{results.won_back:,}",
            f"{results.vouchers_redeemed:,} of {issued:,}" if issued else "—",
            format_money(results.returners_spend, self.profile.currency, self.profile.locale),
        )
        return cells[index.column()]


class _Figure(QFrame):
    """One big number with its caption underneath."""

    def __init__(self, caption: str) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.number = QLabel("0")
        font = self.number.font()
        font.setPointSizeF(font.pointSizeF() * 1.7)
        font.setBold(True)
        self.number.setFont(font)
        self.caption = QLabel(caption)
        mute(self.caption)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self.number)
        layout.addWidget(self.caption)


class ResultsPanel(QWidget):
    """The selected campaign's figures; `details` names the smaller outcomes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sent = _Figure("emails sent")
        self.failed = _Figure("emails failed")
        self.won_back = _Figure("customers won back")
        self.redeemed = _Figure("vouchers redeemed")
        self.spend = _Figure("spent by returners")
        self.details = QLabel()
        self.details.setWordWrap(True)
        mute(self.details)
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        figures = (self.sent, self.failed, self.won_back, self.redeemed, self.spend)
        for column, figure in enumerate(figures):
            grid.addWidget(figure, 0, column)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(grid)
        layout.addWidget(self.details)

    def show_results(self, results: CampaignResults, profile: ShopProfile, window: int) -> None:
        self.sent.number.setText(f"{results.sent:,}")
        self.failed.number.setText(f"{results.failed:,}")
        self.won_back.number.setText(f"{results.won_back:,}")
        self.redeemed.number.setText(
            f"{results.vouchers_redeemed:,} of {results.vouchers_issued:,}"
            if results.vouchers_issued
            else "—"
        )
        self.spend.number.setText(
            format_money(results.returners_spend, profile.currency, profile.locale)
        )
        self.details.setText(details_words(results, window))


OUTCOME_WORDS = {
    "email:pending": "emails waiting to send",
    "email:skipped": "emails skipped (unsubscribed or consent withdrawn since)",
    "email:uncertain": "emails uncertain (the connection broke as they went)",
    "post:printed": "postcards or letters printed",
    "post:prepared": "postcards or letters made but not printed yet",
    "export:exported": "customers exported to a mailing list",
}


def details_words(results: CampaignResults, window: int) -> str:
    """The other outcomes in a line: '12 postcards or letters printed · 3 emails waiting'."""
    parts = [
        f"{results.outcomes[key]:,} {words}"
        for key, words in OUTCOME_WORDS.items()
        if results.outcomes.get(key)
    ]
    parts.append(f"Won back: bought within {window} days of being contacted.")
    return " · ".join(parts)
