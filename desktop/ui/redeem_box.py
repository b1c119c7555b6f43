"""The scan box: a barcode scanner (or a person) types a voucher code and Enter; the box says at
once what the voucher is worth and whether it can be used, and redeems it against a purchase."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import describe_error
from desktop.shop.codes import format_code
from desktop.shop.money import format_money
from desktop.shop.purchases import PurchaseRow, find_purchase, get_purchase, todays_purchases
from desktop.shop.settings import get_profile
from desktop.shop.voucher_kinds import KINDS
from desktop.shop.vouchers import (
    describe_conditions,
    describe_value,
    discount_for,
    find_voucher,
    redeem_voucher,
    refusal,
)
from desktop.store.shopfile import ShopDatabase
from desktop.ui.dialog_buttons import action_buttons
from desktop.ui.events import ShopEvents
from desktop.ui.inline_errors import error_colour, good_colour
from desktop.ui.purchase_table import local_time


@dataclass(frozen=True)
class CheckedVoucher:
    """A voucher as the box shows it, read in one short session."""

    code: str  # as stored
    customer_id: int | None
    customer_name: str | None
    title: str
    value: str
    conditions: str
    refusal: str | None


def _verdict(label: QLabel, text: str, good: bool) -> None:
    colour = good_colour() if good else error_colour()
    label.setStyleSheet(f"color: {colour}; font-weight: 600;")
    label.setText(text)
    label.setVisible(bool(text))


class RedeemBox(QFrame):
    """`checked(usable)` after each scan; `redeemed(purchase_id)` after a redemption.

    `set_context(spend, customer_id)` lets a dialog that is ringing up a sale check the minimum
    spend and the owner as the scan happens; without it the check is "is it still good?"."""

    checked = Signal(bool)
    redeemed = Signal(int)

    def __init__(
        self,
        shop: ShopDatabase,
        events: ShopEvents,
        parent: QWidget | None = None,
        *,
        redeem_here: bool = True,
    ) -> None:
        super().__init__(parent)
        self.shop = shop
        self.events = events
        self.voucher: CheckedVoucher | None = None
        self.dialog: RedeemDialog | None = None
        self._spend: int | None = None
        self._customer_id: int | None = None
        self.setObjectName("redeemBox")
        self.setStyleSheet(
            "QFrame#redeemBox { border: 1px solid palette(mid); border-radius: 6px; }"
        )

        self.code = QLineEdit()
        self.code.setPlaceholderText("Scan or type a voucher code, then Enter")
        self.code.setClearButtonEnabled(True)
        big = QFont(self.code.font())
        big.setPointSizeF(big.pointSizeF() * 1.7)
        self.code.setFont(big)
        self.code.setMinimumHeight(48)
        self.code.returnPressed.connect(self.enter)
        self.code.textEdited.connect(lambda _text: self._clear())
        self.check_button = QPushButton("Check")
        self.check_button.setMinimumHeight(48)
        self.check_button.setAutoDefault(False)
        self.check_button.clicked.connect(self.check)
        self.title = QLabel()
        heading = QFont(self.title.font())
        heading.setPointSizeF(heading.pointSizeF() * 1.3)
        heading.setBold(True)
        self.title.setFont(heading)
        self.conditions = QLabel()
        self.conditions.setWordWrap(True)
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.verdict.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.redeem_button = QPushButton("&Redeem against purchase…")
        self.redeem_button.setAutoDefault(False)
        self.redeem_button.clicked.connect(self.choose_purchase)
        self._redeem_here = redeem_here

        entry = QHBoxLayout()
        entry.addWidget(self.code, 1)
        entry.addWidget(self.check_button)
        result = QHBoxLayout()
        result.addWidget(self.verdict, 1)
        result.addWidget(self.redeem_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addLayout(entry)
        layout.addWidget(self.title)
        layout.addWidget(self.conditions)
        layout.addLayout(result)
        self._clear()

    def focus(self) -> None:
        """Ready for the next scan: the cursor in the box, what is there selected."""
        self.code.setFocus()
        self.code.selectAll()

    def set_context(self, spend: int | None, customer_id: int | None) -> None:
        self._spend, self._customer_id = spend, customer_id

    def _clear(self) -> None:
        self.voucher = None
        for label in (self.title, self.conditions, self.verdict):
            label.clear()
            label.hide()
        self.redeem_button.hide()

    def enter(self) -> None:
        """Enter after a scan checks the code; Enter again on a good voucher redeems it."""
        if self.voucher is not None and self.voucher.refusal is None and self._redeem_here:
            self.choose_purchase()
        else:
            self.check()

    def check(self) -> None:
        """Find the voucher (forgiving case, dashes, O/0 and I/L/1) and say if it can be used."""
        self._clear()
        try:
            with self.shop.read() as session:
                locale = get_profile(session).locale
                voucher = find_voucher(session, self.code.text())
                customer_id = (
                    voucher.customer_id if self._customer_id is None else self._customer_id
                )
                checked = CheckedVoucher(
                    code=voucher.code,
                    customer_id=voucher.customer_id,
                    customer_name=voucher.customer.name if voucher.customer else None,
                    title=KINDS.get(voucher.kind, "Voucher"),
                    value=describe_value(voucher, locale),
                    conditions=describe_conditions(voucher, locale),
                    refusal=refusal(session, voucher, spend=self._spend, customer_id=customer_id),
                )
        except Exception as error:
            message = describe_error(error)
            if message is None:
                raise
            _verdict(self.verdict, message, good=False)
            self.focus()
            self.checked.emit(False)
            return
        self.voucher = checked
        self.title.setText(f"{checked.title} — {checked.value}   ·   {format_code(checked.code)}")
        self.conditions.setText(checked.conditions)
        self.title.show()
        self.conditions.show()
        if checked.refusal:
            _verdict(self.verdict, f"✗ {checked.refusal}", good=False)
        else:
            again = (
                " Press Enter again to redeem it against a purchase." if self._redeem_here else ""
            )
            _verdict(self.verdict, f"✓ Can be used now.{again}", good=True)
        self.redeem_button.setVisible(self._redeem_here and checked.refusal is None)
        self.focus()
        self.checked.emit(checked.refusal is None)

    def choose_purchase(self) -> None:
        """Pick the purchase to take the discount off, then redeem in one step."""
        if self.voucher is None or self.voucher.refusal or not self._redeem_here:
            return
        dialog = RedeemDialog(self.shop, self.voucher, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._redeemed(dialog))
        dialog.destroyed.connect(lambda: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()

    def _redeemed(self, dialog: RedeemDialog) -> None:
        self._clear()
        _verdict(self.verdict, dialog.outcome, good=True)
        self.events.changed.emit("vouchers")
        self.events.changed.emit("purchases")
        self.events.changed.emit("customers")
        self.focus()
        if dialog.purchase_id is not None:
            self.redeemed.emit(dialog.purchase_id)


class RedeemDialog(QDialog):
    """Choose the purchase: today's, the voucher's owner's first (the newest chosen), or one
    found by its reference. Shows the discount and the new total before redeeming."""

    def __init__(self, shop: ShopDatabase, voucher: CheckedVoucher, parent: QWidget | None = None):
        super().__init__(parent)
        self.shop = shop
        self.voucher = voucher
        self.purchase_id: int | None = None
        self.outcome = ""
        self.setWindowTitle(f"Redeem voucher {format_code(voucher.code)}")

        about = QLabel(f"<b>{voucher.title} — {voucher.value}</b><br>{voucher.conditions}")
        about.setWordWrap(True)
        self.purchases = QListWidget()
        self.purchases.setStyleSheet("QListWidget::item { padding: 5px 3px; }")
        self.purchases.currentItemChanged.connect(lambda *_: self._explain())
        self.purchases.itemActivated.connect(lambda _item: self.redeem())
        self.reference = QLineEdit()
        self.reference.setPlaceholderText("Or type a purchase reference, e.g. P-000123, then Enter")
        self.reference.returnPressed.connect(self.find_reference)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.redeem_button, buttons = action_buttons(self, "Redeem", self.redeem)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addWidget(QLabel("Take it off which purchase?"))
        layout.addWidget(self.purchases, 1)
        layout.addWidget(self.reference)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        self.resize(560, 420)
        self._fill()

    def _fill(self) -> None:
        with self.shop.read() as session:
            self._locale = get_profile(session).locale
            rows = todays_purchases(session)
        owner = self.voucher.customer_id
        # The owner's purchases first (newest first), so the sale just rung up is the default.
        rows.sort(key=lambda row: owner is None or row.customer_id != owner)
        for row in rows:
            self._add(row)
        if rows:
            self.purchases.setCurrentRow(0)
            self.purchases.setFocus()
        else:
            self.reference.setFocus()
            self._explain()

    def _add(self, row: PurchaseRow, at: int | None = None) -> None:
        who = row.customer_name or "No customer"
        if row.customer_id is not None and row.customer_id == self.voucher.customer_id:
            who += " (the voucher's owner)"
        total = format_money(row.total, row.currency, self._locale)
        local = row.purchased_at.astimezone()
        when = f"{local:%H:%M}" if local.date() == date.today() else local_time(row.purchased_at)
        item = QListWidgetItem(f"{row.reference}  ·  {when}  ·  {who}  ·  {total}")
        item.setData(Qt.ItemDataRole.UserRole, row.id)
        if at is None:
            self.purchases.addItem(item)
        else:
            self.purchases.insertItem(at, item)

    def find_reference(self) -> None:
        try:
            with self.shop.read() as session:
                purchase = find_purchase(session, self.reference.text())
                found = purchase.id
                row = PurchaseRow(
                    purchase.id,
                    purchase.reference,
                    purchase.purchased_at,
                    purchase.customer_id,
                    purchase.customer.name if purchase.customer else None,
                    purchase.channel,
                    purchase.total,
                    purchase.currency,
                    purchase.voided_at is not None,
                )
        except Exception as error:
            self._say(error)
            return
        for index in range(self.purchases.count()):
            if self.purchases.item(index).data(Qt.ItemDataRole.UserRole) == found:
                self.purchases.setCurrentRow(index)
                return
        self._add(row, at=0)
        self.purchases.setCurrentRow(0)

    def chosen(self) -> int | None:
        item = self.purchases.currentItem()
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def _explain(self) -> None:
        """What redeeming would do to the chosen purchase, or why it can't be used on it."""
        purchase_id = self.chosen()
        if purchase_id is None:
            _verdict(self.summary, "No purchases today yet: type the reference above.", good=False)
            self.redeem_button.setEnabled(False)
            return
        with self.shop.read() as session:
            purchase = get_purchase(session, purchase_id)
            voucher = find_voucher(session, self.voucher.code)
            reason = refusal(
                session, voucher, spend=purchase.total, customer_id=purchase.customer_id
            )
            off = discount_for(voucher, purchase.total)
            money = purchase.total, off, purchase.total - off, purchase.currency
        if reason:
            _verdict(self.summary, f"✗ {reason}", good=False)
        else:
            total, off, after, currency = money
            shown = [format_money(amount, currency, self._locale) for amount in (total, off, after)]
            _verdict(self.summary, f"{shown[0]} − {shown[1]} off = {shown[2]} to pay.", good=True)
        self.redeem_button.setEnabled(reason is None)

    def redeem(self) -> None:
        """Take the discount off the chosen purchase, once (the shop refuses a second use)."""
        purchase_id = self.chosen()
        if purchase_id is None:
            return
        try:
            with self.shop.write() as session:
                redemption = redeem_voucher(session, self.voucher.code, purchase_id)
                purchase = get_purchase(session, purchase_id)
                off = format_money(redemption.discount, purchase.currency, self._locale)
                total = format_money(purchase.total, purchase.currency, self._locale)
                reference = purchase.reference
        except Exception as error:
            self._say(error)
            return
        self.purchase_id = purchase_id
        self.outcome = f"✓ Took {off} off purchase {reference}: the new total is {total}."
        self.accept()

    def _say(self, error: BaseException) -> None:
        message = describe_error(error)
        if message is None:
            raise error
        _verdict(self.summary, f"✗ {message}", good=False)
        self.redeem_button.setEnabled(False)
