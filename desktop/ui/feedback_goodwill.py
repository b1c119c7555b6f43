"""The goodwill voucher for a follow-up: the usual voucher terms, always "goodwill", always for
the customer who gave the feedback, recorded on the follow-up by the shop."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from desktop.shop.codes import format_code
from desktop.shop.feedback import issue_goodwill_voucher
from desktop.shop.vouchers import describe_value
from desktop.store.shopfile import ShopDatabase
from desktop.ui.events import ShopEvents
from desktop.ui.voucher_dialog import IssueVoucherDialog


class GoodwillVoucherDialog(IssueVoucherDialog):
    """After Issue: `issued_code`, `issued_id` and `summary` as for any voucher."""

    def __init__(
        self,
        shop: ShopDatabase,
        events: ShopEvents,
        feedback_id: int,
        customer_id: int | None,
        customer_name: str | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(shop, events, parent, customer_id=customer_id)
        self.setWindowTitle("Goodwill voucher, with our apologies")
        self.feedback_id = feedback_id
        self.kind.setCurrentIndex(self.kind.findData("goodwill"))
        self.kind.setEnabled(False)
        # Who it is for comes from the feedback, so the "For" row only says so.
        form = self.findChild(QFormLayout)
        if form is not None:
            for_row = form.rowCount() - 1
            form.setRowVisible(for_row, False)
            owner = QLabel(customer_name or "Whoever brings it (the feedback has no customer)")
            form.addRow("For", owner)
        self.issue_button.setText("Issue goodwill voucher")
        self.value.percent.setFocus()

    def issue(self) -> None:
        """Issue it through the follow-up, so the follow-up and its notes record it."""
        for label in self._labels():
            label.hide()
        try:
            terms = self.terms_typed()
            terms.reason = ""  # the shop words the reason after the feedback
            with self.shop.write() as session:
                voucher = issue_goodwill_voucher(session, self.feedback_id, terms)
                code, self.issued_id = voucher.code, voucher.id
                value = describe_value(voucher, self.profile.locale)
        except Exception as error:
            self._show_error(error)
            return
        self.issued_code = code
        self.summary = f"Goodwill voucher {format_code(code)} issued: {value}."
        self.events.changed.emit("vouchers")
        self.events.changed.emit("feedback")
        self.accept()
