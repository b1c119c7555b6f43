"""One customer's page: details, marketing permissions, purchases and how often they come."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.shop.errors import NotFound
from desktop.shop.history import customer_overview
from desktop.store.shopfile import ShopDatabase
from desktop.ui.customer_consent_dialog import ConsentDialog
from desktop.ui.customer_dialog import CustomerDialog
from desktop.ui.customer_format import mute
from desktop.ui.customer_records import RecordsModel, records_view
from desktop.ui.customer_summary import CustomerSummary, summarise
from desktop.ui.events import ShopEvents
from desktop.ui.feedback_dialog import RecordFeedbackDialog

PURCHASE_COLUMNS = ("Date", "Reference", "Channel", "Items", "Total", "Voided")
LEDGER_COLUMNS = ("When", "Channel", "Decision", "Basis", "How", "Wording shown")
_STATS = ("Visits", "Total spent", "First seen", "Last seen", "Usual gap")


def _stat(title: str) -> tuple[QFrame, QLabel]:
    frame = QFrame()
    frame.setFrameShape(QFrame.Shape.StyledPanel)
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(10, 6, 10, 6)
    caption = QLabel(title)
    mute(caption)
    value = QLabel()
    value.setObjectName(f"stat {title}")
    bold = QFont(value.font())
    bold.setBold(True)
    bold.setPointSizeF(bold.pointSizeF() * 1.15)
    value.setFont(bold)
    value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    layout.addWidget(caption)
    layout.addWidget(value)
    return frame, value


def _value_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class CustomerView(QWidget):
    """Shown in place of the list; Escape or Back returns to it (`back_requested`)."""

    back_requested = Signal()
    record_purchase_requested = Signal(int)

    def __init__(
        self, shop: ShopDatabase, events: ShopEvents, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._shop = shop
        self._events = events
        self.customer_id: int | None = None
        self.summary: CustomerSummary | None = None

        self.back_button = QPushButton("← Back")
        self.back_button.setToolTip("Back to the customer list (Esc)")
        self.back_button.clicked.connect(self.back_requested)
        self.name = QLabel()
        title = QFont(self.name.font())
        title.setPointSizeF(title.pointSizeF() * 1.6)
        title.setBold(True)
        self.name.setFont(title)
        self.name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.subtitle = QLabel()
        mute(self.subtitle)
        self.record_button = QPushButton("Record purchase")
        self.record_button.setDefault(True)
        self.record_button.clicked.connect(self._record_purchase)
        self.edit_button = QPushButton("Edit…")
        self.edit_button.clicked.connect(self.edit)
        self.consent_button = QPushButton("Change marketing permissions…")
        self.consent_button.clicked.connect(self.change_permissions)
        self.feedback_button = QPushButton("Record feedback…")
        self.feedback_button.clicked.connect(self.record_feedback)

        header = QHBoxLayout()
        header.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignTop)
        titles = QVBoxLayout()
        titles.setSpacing(0)
        titles.addWidget(self.name)
        titles.addWidget(self.subtitle)
        header.addLayout(titles, 1)
        buttons = (self.record_button, self.feedback_button, self.edit_button, self.consent_button)
        for button in buttons:
            header.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)

        stats = QHBoxLayout()
        self.stats: dict[str, QLabel] = {}
        for caption in _STATS:
            frame, value = _stat(caption)
            self.stats[caption] = value
            stats.addWidget(frame, 1)

        self.email = _value_label()
        self.phone = _value_label()
        self.address = _value_label()
        self.birthday = _value_label()
        self.tags = _value_label()
        self.notes = _value_label()
        details = QGroupBox("Details")
        details_form = QFormLayout(details)
        for caption, label in (
            ("Email", self.email),
            ("Phone", self.phone),
            ("Address", self.address),
            ("Birthday", self.birthday),
            ("Tags", self.tags),
            ("Notes", self.notes),
        ):
            details_form.addRow(caption, label)
        self.email_permission = _value_label()
        self.post_permission = _value_label()
        marketing = QGroupBox("Marketing")
        marketing_form = QFormLayout(marketing)
        marketing_form.addRow("Email", self.email_permission)
        marketing_form.addRow("Post", self.post_permission)
        middle = QHBoxLayout()
        middle.addWidget(details, 3)
        middle.addWidget(marketing, 2)

        self.purchases = RecordsModel(PURCHASE_COLUMNS, right_aligned=(4,), parent=self)
        self.ledger = RecordsModel(LEDGER_COLUMNS, parent=self)
        self.purchases_view = records_view(self.purchases, (150, 90, 120, 320, 90))
        self.ledger_view = records_view(self.ledger, (150, 70, 90, 130, 120))
        # The exact wording is the point of the ledger, so it is shown whole.
        self.ledger_view.setWordWrap(True)
        self.ledger_view.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.tabs = QTabWidget()
        self.tabs.addTab(self.purchases_view, "Purchases")
        self.tabs.addTab(self.ledger_view, "Marketing permissions history")
        self.history_note = QLabel()
        mute(self.history_note)
        self.history_note.hide()

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addLayout(stats)
        layout.addLayout(middle)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.history_note)

        for keys in (QKeySequence(Qt.Key.Key_Escape), QKeySequence(QKeySequence.StandardKey.Back)):
            back = QShortcut(keys, self)
            back.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            back.activated.connect(self.back_requested)
        events.changed.connect(self._shop_changed)

    def _shop_changed(self, what: str) -> None:
        # A hidden view is read afresh when it is next shown.
        if what in ("customers", "purchases", "settings") and not self.isHidden():
            self.reload()

    def show_customer(self, customer_id: int) -> None:
        """Read and show everything about the customer (a few indexed queries)."""
        self.customer_id = customer_id
        self.reload()
        self.record_button.setFocus()

    def reload(self) -> None:
        if self.customer_id is None:
            return
        try:
            with self._shop.read() as session:
                summary = summarise(session, customer_overview(session, self.customer_id))
        except NotFound:
            # Merged into someone else, or removed on another till.
            self.customer_id = None
            self.back_requested.emit()
            return
        self.summary = summary
        self.name.setText(summary.name)
        self.subtitle.setText(summary.subtitle)
        for caption, value in zip(_STATS, summary.stats, strict=True):
            self.stats[caption].setText(value)
        self.email.setText(summary.email)
        self.phone.setText(summary.phone)
        self.address.setText(summary.address)
        self.birthday.setText(summary.birthday)
        self.tags.setText(summary.tags)
        self.notes.setText(summary.notes)
        self.email_permission.setText(summary.email_permission)
        self.post_permission.setText(summary.post_permission)
        self.purchases.set_rows(summary.purchases, summary.voided)
        self.ledger.set_rows(summary.ledger)
        self.tabs.setTabText(0, f"Purchases ({len(summary.purchases)})")
        self.tabs.setTabText(1, f"Marketing permissions history ({len(summary.ledger)})")
        self.history_note.setText(summary.history_note)
        self.history_note.setVisible(bool(summary.history_note))

    def _record_purchase(self) -> None:
        if self.customer_id is not None:
            self.record_purchase_requested.emit(self.customer_id)

    def edit(self) -> CustomerDialog | None:
        """Open the details for changing; the page shows the change once saved."""
        if self.customer_id is None:
            return None
        dialog = CustomerDialog(self._shop, self._events, self, customer_id=self.customer_id)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def record_feedback(self) -> RecordFeedbackDialog | None:
        """What the customer said about the shop or a purchase, heard at the counter."""
        if self.customer_id is None:
            return None
        dialog = RecordFeedbackDialog(self._shop, self._events, self, customer_id=self.customer_id)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def change_permissions(self) -> ConsentDialog | None:
        """Record a new marketing decision, with the wording shown, in the ledger."""
        if self.customer_id is None:
            return None
        dialog = ConsentDialog(self._shop, self._events, self.customer_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog
