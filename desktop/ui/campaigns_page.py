"""The Campaigns page: bring lapsed customers back. The list of campaigns with how each did
(won back and redeemed grow as customers return), and for the selected one its results and
its actions (desktop/ui/campaign_actions.py)."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.shop.campaign_settings import won_back_days
from desktop.shop.settings import get_profile
from desktop.store.shopfile import ShopDatabase
from desktop.ui.campaign_actions import CampaignActions
from desktop.ui.campaign_dialog import NewCampaignDialog
from desktop.ui.campaign_jobs import campaign_state
from desktop.ui.campaign_results import CampaignsTableModel, ResultsPanel, campaign_rows
from desktop.ui.campaign_sender import plural
from desktop.ui.customer_format import mute
from desktop.ui.events import Freshness, ShopEvents
from desktop.ui.list_view import list_view
from desktop.ui.segments_dialog import SegmentsDialog

REFRESHED_BY = ("purchases", "vouchers", "segments", "customers", "campaigns")


class CampaignsPage(QWidget):
    def __init__(
        self, shop: ShopDatabase, events: ShopEvents, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.shop = shop
        self.events = events
        self.new_dialog: NewCampaignDialog | None = None
        with shop.read() as session:
            self.profile = get_profile(session)

        self.count = QLabel()
        self.new_button = QPushButton("&New campaign…")
        self.new_button.clicked.connect(self.new_campaign)
        self.segments_button = QPushButton("Se&gments…")
        self.segments_button.clicked.connect(self.open_segments)
        self.model = CampaignsTableModel(self.profile, self)
        self.table = list_view(self.model, stretch=(0,))
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_selected())
        self.empty = QLabel(
            "No campaigns yet. Press “New campaign…” to pick a segment and bring them back."
        )
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        mute(self.empty)

        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.results = ResultsPanel()
        self.action_panel = CampaignActions(shop, events, self.profile)

        top = QHBoxLayout()
        top.addWidget(self.count, 1)
        top.addWidget(self.segments_button)
        top.addWidget(self.new_button)
        self.detail = QWidget()
        detail = QVBoxLayout(self.detail)
        detail.setContentsMargins(0, 6, 0, 0)
        detail.addWidget(self.heading)
        detail.addWidget(self.results)
        detail.addWidget(self.action_panel)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.detail)

        events.changed.connect(self._settings_changed)  # before the list is read again
        self.freshness = Freshness(self, events, (*REFRESHED_BY, "settings"), self.refresh)
        self.refresh()

    def activate(self) -> None:
        self.freshness.catch_up()
        self.table.setFocus()

    def _settings_changed(self, what: str) -> None:
        if what == "settings":
            with self.shop.read() as session:
                self.profile = get_profile(session)
            self.model.profile = self.action_panel.profile = self.profile

    def refresh(self, select_id: int | None = None) -> None:
        """Read the campaigns and their results again, keeping the selection."""
        keep = select_id if select_id is not None else self.selected_id()
        with self.shop.read() as session:
            rows = campaign_rows(session)
        self.model.set_rows(rows)
        self.count.setText(plural(len(rows), "campaign"))
        self.empty.setVisible(not rows)
        row = self.model.row_of(keep) if keep is not None else None
        if rows:
            self.table.selectRow(row or 0)
        self._show_selected()

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row(rows[0].row()).id if rows else None

    def _show_selected(self) -> None:
        campaign_id = self.selected_id()
        self.detail.setVisible(campaign_id is not None)
        if campaign_id is None:
            self.action_panel.show_state(None)
            return
        with self.shop.read() as session:
            state = campaign_state(session, campaign_id)
            window = won_back_days(session)
        offer = state.offer.describe(self.profile) if state.offer else "no voucher"
        row = self.model.row(self.model.row_of(campaign_id) or 0)
        self.heading.setText(
            f"<b>{escape(state.name)}</b> — {escape(row.segment or 'no segment')}; "
            f"welcome-back offer: {escape(offer)}"
        )
        self.results.show_results(state.results, self.profile, window)
        self.action_panel.show_state(state)

    # --- Dialogs ----------------------------------------------------------------------------

    def new_campaign(self) -> NewCampaignDialog:
        """The new campaign dialog, open; the list selects the campaign once it is made."""
        dialog = NewCampaignDialog(self.shop, self.events, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.refresh(dialog.created_id))
        dialog.destroyed.connect(lambda: setattr(self, "new_dialog", None))
        self.new_dialog = dialog
        dialog.open()
        return dialog

    def open_segments(self) -> None:
        dialog = SegmentsDialog(self.shop, self.events, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
