"""The scan box at the top of the Loyalty page: a scanned card, a typed card or customer number,
or a customer's name. A card number with a typo is caught and said so, not searched for."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop.errors import describe_error
from desktop.shop.codes import ALPHABET
from desktop.shop.directory import CustomerRow, browse
from desktop.shop.loyalty_ledger import account_for_customer, member_balance
from desktop.shop.loyalty_members import CARD_LENGTH, NotAMember, find_member
from desktop.shop.loyalty_rules import Programme, get_programme
from desktop.store.shopfile import ShopDatabase
from desktop.ui.customer_picker import ENTER_KEYS, describe
from desktop.ui.inline_errors import error_label, show_message

MATCHES_SHOWN = 8
SEARCH_DELAY_MS = 180
_SEPARATORS = " -_"


@dataclass(frozen=True)
class Match:
    customer_id: int
    text: str


def _card_shaped(text: str) -> bool:
    """Whether `text` could be a card number typed without any digit in it (one card in 40)."""
    cleaned = "".join(ch for ch in text.upper() if ch not in _SEPARATORS)
    return len(cleaned) == CARD_LENGTH and all(ch in ALPHABET + "OIL" for ch in cleaned)


def _looks_like_number(text: str) -> bool:
    """Card and customer numbers have digits in them; names do not."""
    return any(ch.isdigit() for ch in text)


class MemberLookup(QFrame):
    """`member_chosen(account_id)` for a member, `customer_chosen(customer_id)` for a customer
    who has not joined yet."""

    member_chosen = Signal(int)
    customer_chosen = Signal(int)

    def __init__(self, shop: ShopDatabase, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shop = shop
        self.setObjectName("memberLookup")
        self.setStyleSheet(
            "QFrame#memberLookup { border: 1px solid palette(mid); border-radius: 6px; }"
        )
        self.box = QLineEdit()
        self.box.setPlaceholderText("Scan a loyalty card, type its number, or a customer's name")
        self.box.setClearButtonEnabled(True)
        big = QFont(self.box.font())
        big.setPointSizeF(big.pointSizeF() * 1.7)
        self.box.setFont(big)
        self.box.setMinimumHeight(48)
        self.box.installEventFilter(self)
        self.box.textEdited.connect(self._edited)
        self.find_button = QPushButton("Find")
        self.find_button.setMinimumHeight(48)
        self.find_button.setAutoDefault(False)
        self.find_button.clicked.connect(self.look_up)
        self.results = QListWidget()
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.results.setStyleSheet("QListWidget::item { padding: 6px 8px; }")
        listed = QFont(self.results.font())
        listed.setPointSizeF(listed.pointSizeF() * 1.15)
        self.results.setFont(listed)
        self.results.itemClicked.connect(lambda _item: self._pick_current())
        self.results.hide()
        self.message = error_label()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(lambda: self._search(self.box.text()))

        entry = QHBoxLayout()
        entry.addWidget(self.box, 1)
        entry.addWidget(self.find_button)
        layout = QVBoxLayout(self)
        layout.addLayout(entry)
        layout.addWidget(self.results)
        layout.addWidget(self.message)

    def focus(self) -> None:
        """Ready for the next scan: the cursor in the box, what is there selected."""
        self.box.setFocus()
        self.box.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.box and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if self._key(event):
                return True
        return super().eventFilter(watched, event)

    def _key(self, event: QKeyEvent) -> bool:
        key = event.key()
        listing = self.results.isVisible() and self.results.count() > 0
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and listing:
            step = 1 if key == Qt.Key.Key_Down else -1
            row = max(0, min(self.results.count() - 1, self.results.currentRow() + step))
            self.results.setCurrentRow(row)
            return True
        if key == Qt.Key.Key_Escape and listing:
            self.results.hide()
            return True
        if key in ENTER_KEYS:
            if listing and not self._timer.isActive():
                self._pick_current()
            else:
                self.look_up()
            return True
        return False

    def _edited(self, text: str) -> None:
        show_message(self.message, "")
        if _looks_like_number(text) or len(text.strip()) < 2:
            self._timer.stop()
            self.results.hide()
        else:
            self._timer.start()

    def look_up(self) -> None:
        """Enter: find the member (or customer) the box names, or say why not."""
        self._timer.stop()
        text = self.box.text().strip()
        show_message(self.message, "")
        if not text:
            self.results.hide()
            return
        if _looks_like_number(text):
            self._find_number(text)
            return
        matches = self._search(text)
        if len(matches) == 1:
            self._choose(matches[0].customer_id)
        elif not matches:
            if _card_shaped(text):
                self._find_number(text)
            else:
                show_message(self.message, f"No customer matches “{text}”.")

    def _find_number(self, text: str) -> None:
        self.results.hide()
        try:
            with self.shop.read() as session:
                account_id = find_member(session, text).id
        except NotAMember as not_member:
            self.customer_chosen.emit(not_member.customer_id)
            self.box.selectAll()
            return
        except Exception as error:
            message = describe_error(error)
            if message is None:
                raise
            show_message(self.message, message)
            self.box.selectAll()
            return
        self.member_chosen.emit(account_id)
        self.box.selectAll()

    def _search(self, text: str) -> list[Match]:
        """Show the customers whose name (or email, phone, postcode) starts so; returns them."""
        self._timer.stop()
        self.results.clear()
        if not text.strip():
            self.results.hide()
            return []
        with self.shop.read() as session:
            programme = get_programme(session)
            rows = browse(session, text, limit=MATCHES_SHOWN).rows
            matches = [Match(row.id, self._describe(row, session, programme)) for row in rows]
        for match in matches:
            item = QListWidgetItem(match.text)
            item.setData(Qt.ItemDataRole.UserRole, match.customer_id)
            self.results.addItem(item)
        if matches:
            self.results.setCurrentRow(0)
            height = sum(self.results.sizeHintForRow(i) for i in range(self.results.count()))
            self.results.setFixedHeight(min(height + 2 * self.results.frameWidth(), 240))
        self.results.setVisible(bool(matches))
        return matches

    @staticmethod
    def _describe(row: CustomerRow, session: Session, programme: Programme) -> str:
        """'Zoë Ó'Brien — zoe@example.com · member, 1,240 points' or '… · not a member yet'."""
        balance = member_balance(session, row.id)
        joined = "not a member yet" if balance is None else f"member, {programme.units(balance)}"
        return f"{describe(row)}   ({joined})"

    def _pick_current(self) -> None:
        item = self.results.currentItem()
        if item is not None:
            self._choose(int(item.data(Qt.ItemDataRole.UserRole)))

    def _choose(self, customer_id: int) -> None:
        self.results.hide()
        with self.shop.read() as session:
            account = account_for_customer(session, customer_id)
            account_id = None if account is None else account.id
        if account_id is None:
            self.customer_chosen.emit(customer_id)
        else:
            self.member_chosen.emit(account_id)
        self.box.selectAll()
