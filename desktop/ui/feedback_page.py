"""The Feedback page: follow-ups of low scores first (what needs doing), then every piece of
feedback, then what customers think overall. Record feedback with Ctrl+N; import an online
form's responses from its CSV export."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.store.shopfile import ShopDatabase
from desktop.ui.events import Freshness, ShopEvents
from desktop.ui.feedback_dialog import RecordFeedbackDialog
from desktop.ui.feedback_follow_ups import FollowUpsView
from desktop.ui.feedback_import_dialog import ImportFeedbackDialog
from desktop.ui.feedback_list import CUSTOMER, FeedbackTableModel
from desktop.ui.feedback_requests_panel import FeedbackRequestsPanel
from desktop.ui.feedback_satisfaction import SatisfactionView
from desktop.ui.inline_errors import good_colour
from desktop.ui.list_view import list_view

REFRESHED_BY = ("feedback", "purchases", "customers", "vouchers")
FOLLOW_UPS, ALL_FEEDBACK, SATISFACTION, ASKING = range(4)


class FeedbackPage(QWidget):
    show_customer_requested = Signal(int)

    def __init__(
        self, shop: ShopDatabase, events: ShopEvents, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.shop = shop
        self.events = events
        self.record_dialog: RecordFeedbackDialog | None = None
        self.import_dialog: ImportFeedbackDialog | None = None

        heading = QLabel("Feedback")
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        heading.setFont(font)
        self.record_button = QPushButton("Record feedback…")
        self.record_button.setToolTip("Ctrl+N")
        self.record_button.clicked.connect(lambda: self.record_feedback_for(None, None))
        QShortcut(QKeySequence.StandardKey.New, self).activated.connect(
            lambda: self.record_feedback_for(None, None)
        )
        self.import_button = QPushButton("&Import responses…")
        self.import_button.clicked.connect(self.import_responses)
        self.done = QLabel()
        self.done.setStyleSheet(f"color: {good_colour()};")
        self.done.setWordWrap(True)
        self.done.hide()

        self.follow_ups = FollowUpsView(shop, events)
        self.follow_ups.show_customer.connect(self.show_customer_requested)
        self.model = FeedbackTableModel(shop, self)
        widths = {0: 100, 1: 180, 2: 100, 3: 130, 4: 110}
        self.table = list_view(self.model, stretch=(5,), widths=widths)
        self.table.doubleClicked.connect(self._double_clicked)
        self.satisfaction = SatisfactionView(shop)
        self.asking = FeedbackRequestsPanel(shop, events)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.follow_ups, "&Follow-ups")
        self.tabs.addTab(self.table, "&All feedback")
        self.tabs.addTab(self.satisfaction, "&Satisfaction")
        self.tabs.addTab(self.asking, "Asking by &email")
        self.tabs.currentChanged.connect(lambda _index: self.refresh())

        bar = QHBoxLayout()
        bar.addWidget(heading)
        bar.addStretch(1)
        bar.addWidget(self.import_button)
        bar.addWidget(self.record_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.done)
        layout.addWidget(self.tabs, 1)

        self.freshness = Freshness(self, events, REFRESHED_BY, self.refresh)
        self.refresh()

    def activate(self) -> None:
        """Shown by the main window: catch up on what changed meanwhile."""
        self.freshness.catch_up()
        self.tabs.currentWidget().setFocus()

    def refresh(self) -> None:
        """Read the open tab again (the others catch up when opened)."""
        tab = self.tabs.currentIndex()
        if tab == FOLLOW_UPS:
            self.follow_ups.refresh()
        elif tab == ALL_FEEDBACK:
            self.model.refresh()
        elif tab == SATISFACTION:
            self.satisfaction.refresh()
        else:
            self.asking.refresh()

    def record_feedback_for(
        self, customer_id: int | None, purchase_id: int | None
    ) -> RecordFeedbackDialog:
        """The record dialog, open, with the customer (and purchase) filled in when given."""
        dialog = RecordFeedbackDialog(
            self.shop, self.events, self, customer_id=customer_id, purchase_id=purchase_id
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._recorded(dialog))
        dialog.destroyed.connect(lambda: setattr(self, "record_dialog", None))
        self.record_dialog = dialog
        dialog.open()
        return dialog

    def _recorded(self, dialog: RecordFeedbackDialog) -> None:
        self.done.setText(f"✓ {dialog.summary}")
        self.done.show()
        if dialog.followed_up and dialog.recorded_id is not None:
            self.tabs.setCurrentIndex(FOLLOW_UPS)
            self.follow_ups.select(dialog.recorded_id)

    def import_responses(self) -> ImportFeedbackDialog:
        """The import dialog, open; "Choose file…" in it picks the CSV."""
        dialog = ImportFeedbackDialog(self.shop, self.events, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda: setattr(self, "import_dialog", None))
        self.import_dialog = dialog
        dialog.open()
        return dialog

    def _double_clicked(self, index: QModelIndex) -> None:
        row = self.model.row(index.row())
        if index.column() == CUSTOMER and row.customer_id is not None:
            self.show_customer_requested.emit(row.customer_id)
