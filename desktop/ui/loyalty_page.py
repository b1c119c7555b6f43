"""The Loyalty page: the scan box on top (a card, a card number, or a customer's name), the member
at the counter, every member, the programme's figures, and the rewards poll. The day's bonuses and
expiry run in the background the first time the page opens each day."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import describe_error
from desktop.shop.loyalty_expiry import Upkeep, daily_upkeep
from desktop.store.shopfile import ShopDatabase
from desktop.ui import workers
from desktop.ui.customer_format import mute
from desktop.ui.events import ShopEvents
from desktop.ui.loyalty_lookup import MemberLookup
from desktop.ui.loyalty_member_panel import MemberPanel
from desktop.ui.loyalty_members import MembersTab
from desktop.ui.loyalty_overview import OverviewTab
from desktop.ui.loyalty_poll import PollTab
from desktop.ui.loyalty_rewards_dialog import RewardsDialog
from desktop.ui.loyalty_settings_dialog import ProgrammeDialog

REFRESHED_BY = ("loyalty", "customers", "purchases", "settings", "catalogue", "vouchers")


def describe_upkeep(upkeep: Upkeep) -> str:
    """'Today: 3 bonuses given, 1 member's points expired.' ('' when nothing was due)."""
    parts = []
    if upkeep.bonuses:
        parts.append(f"{upkeep.bonuses:,} bonus{'es' if upkeep.bonuses != 1 else ''} given")
    if upkeep.expired:
        whose = "member's" if upkeep.expired == 1 else "members'"
        parts.append(f"{upkeep.expired:,} {whose} points expired")
    return f"Today: {', '.join(parts)}." if parts else ""


class LoyaltyPage(QWidget):
    def __init__(
        self, shop: ShopDatabase, events: ShopEvents, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.shop = shop
        self.events = events
        self.upkeep_day: date | None = None
        self._upkeep_worker: workers.Worker | None = None
        self._stale: set[QWidget] = set()

        self.lookup = MemberLookup(shop)
        self.settings_button = QPushButton("Programme settings…")
        self.settings_button.setAutoDefault(False)
        self.settings_button.clicked.connect(self.edit_programme)
        self.rewards_button = QPushButton("Rewards…")
        self.rewards_button.setAutoDefault(False)
        self.rewards_button.clicked.connect(self.edit_rewards)
        self.upkeep_note = QLabel()
        mute(self.upkeep_note)
        self.upkeep_note.hide()

        self.panel = MemberPanel(shop, events)
        self.members = MembersTab(shop, events)
        self.overview = OverviewTab(shop)
        self.poll = PollTab(shop, events)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.panel, "At the counter")
        self.tabs.addTab(self.members, "Members")
        self.tabs.addTab(self.overview, "Programme")
        self.tabs.addTab(self.poll, "Rewards poll")
        self._stale = {self.members, self.overview, self.poll}
        self.tabs.currentChanged.connect(lambda _index: self._show_tab())

        corner = QWidget()
        buttons = QHBoxLayout(corner)
        buttons.setContentsMargins(0, 0, 0, 4)
        buttons.addWidget(self.rewards_button)
        buttons.addWidget(self.settings_button)
        self.tabs.setCornerWidget(corner, Qt.Corner.TopRightCorner)
        layout = QVBoxLayout(self)
        layout.addWidget(self.lookup)
        layout.addWidget(self.upkeep_note)
        layout.addWidget(self.tabs, 1)

        self.lookup.member_chosen.connect(self.show_member)
        self.lookup.customer_chosen.connect(self.show_customer)
        self.members.member_opened.connect(self.show_member)
        self.overview.member_opened.connect(self.show_member)
        self.panel.member_shown.connect(lambda _id: self._counter_customer())
        QShortcut(QKeySequence("Ctrl+E"), self, self.enrol_shortcut)
        QShortcut(QKeySequence("Ctrl+P"), self, self.print_card_shortcut)
        QShortcut(QKeySequence("Ctrl+L"), self, self.lookup.focus)
        events.changed.connect(self._shop_changed)

    def activate(self) -> None:
        """Shown by the main window: the day's upkeep once a day, then ready for a scan."""
        self._start_upkeep()
        self._show_tab()
        self.lookup.focus()

    # The counter ---------------------------------------------------------------------------

    def show_member(self, account_id: int) -> None:
        self.tabs.setCurrentWidget(self.panel)
        self.panel.show_member(account_id)

    def show_customer(self, customer_id: int) -> None:
        self.tabs.setCurrentWidget(self.panel)
        self.panel.show_customer(customer_id)
        self._counter_customer()

    def _counter_customer(self) -> None:
        """The poll can count an answer as the shown customer's."""
        if self.panel.customer_id is None:
            self.poll.set_customer(None)
            return
        name = self.panel.view.name if self.panel.view else self.panel.join_page.name.text()
        self.poll.set_customer((self.panel.customer_id, name))

    def enrol_shortcut(self) -> None:
        """Ctrl+E: enrol the customer shown (Enter then confirms)."""
        self.tabs.setCurrentWidget(self.panel)
        self.panel.start_enrol()

    def print_card_shortcut(self) -> None:
        if self.panel.view is not None:
            self.tabs.setCurrentWidget(self.panel)
            self.panel.card_button.print_as_before()

    # Programme -----------------------------------------------------------------------------

    def edit_programme(self) -> None:
        ProgrammeDialog(self.shop, self.events, self).exec()

    def edit_rewards(self) -> None:
        RewardsDialog(self.shop, self.events, self).exec()

    # Keeping current -----------------------------------------------------------------------

    def _shop_changed(self, what: str) -> None:
        if what not in REFRESHED_BY:
            return
        self._stale = {self.members, self.overview, self.poll}
        if self.isVisible():
            self.panel.refresh()
            self._show_tab()
        else:
            self._stale.add(self.panel)

    def _show_tab(self) -> None:
        """Read the visible tab again if something changed since it was last read."""
        current = self.tabs.currentWidget()
        if current not in self._stale:
            return
        self._stale.discard(current)
        if current is self.panel:
            self.panel.refresh()
        elif current is self.members:
            self.members.refresh()
        elif current is self.overview:
            self.overview.refresh()
        elif current is self.poll:
            self.poll.refresh()

    def _start_upkeep(self) -> None:
        today = date.today()
        if self.upkeep_day == today or self._upkeep_worker is not None or self.shop.read_only:
            return
        shop = self.shop

        def job(_progress: workers.Progress) -> Upkeep:
            with shop.write() as session:
                return daily_upkeep(session, today)

        self._upkeep_worker = workers.start(
            job, finished=lambda upkeep: self._upkept(today, upkeep), failed=self._upkeep_failed
        )

    def _upkept(self, day: date, upkeep: Upkeep) -> None:
        self._upkeep_worker = None
        self.upkeep_day = day
        note = describe_upkeep(upkeep)
        self.upkeep_note.setText(note)
        self.upkeep_note.setVisible(bool(note))
        if note:
            self.events.changed.emit("loyalty")

    def _upkeep_failed(self, error: BaseException) -> None:
        self._upkeep_worker = None
        message = describe_error(error)
        # Tried again the next time the page is shown: the upkeep is safe to repeat.
        self.upkeep_note.setText(
            f"Today's loyalty upkeep (bonuses, expiry) did not run: {message or 'see the log'}."
        )
        self.upkeep_note.show()
