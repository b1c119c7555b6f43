"""The welcome-back voucher a new campaign offers, as the shopkeeper sets it up."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.shop.campaign_offers import Offer
from desktop.shop.errors import InvalidInput
from desktop.shop.money import parse_amount
from desktop.shop.settings import ShopProfile
from desktop.shop.vouchers import MAX_VALIDITY_DAYS, check_terms
from desktop.ui.inline_errors import error_label, show_message, with_error
from desktop.ui.voucher_value import VoucherValueField


class OfferEditor(QWidget):
    """Whether to include a voucher, and its terms; problems show under the terms."""

    def __init__(self, profile: ShopProfile, usual_days: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.profile = profile
        self.include = QCheckBox("&Include a welcome-back voucher for each customer")
        self.include.setChecked(True)
        self.value = VoucherValueField(profile)
        self.min_spend = QLineEdit()
        self.min_spend.setPlaceholderText("none")
        self.min_spend.setMaximumWidth(110)
        self.days = QSpinBox()
        self.days.setRange(1, MAX_VALIDITY_DAYS)
        self.days.setValue(usual_days)
        self.days.setSuffix(" days from issue")
        self.days.setMaximumWidth(200)
        self.problem = error_label()

        self.details = QWidget()
        form = QFormLayout(self.details)
        form.setContentsMargins(24, 0, 0, 0)
        form.addRow("Value", self.value)
        form.addRow("Minimum spend", self.min_spend)
        form.addRow("Valid for", self.days)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.include)
        layout.addWidget(with_error(self.details, self.problem))
        self.include.toggled.connect(self.details.setEnabled)

    def _money(self, text: str, field: str) -> int | None:
        if not text.strip():
            return None
        return parse_amount(text, self.profile.currency, field, self.profile.locale)

    def offer(self) -> Offer | None:
        """The offer as typed (None: no voucher); InvalidInput, also shown here, if it can't
        make a voucher."""
        show_message(self.problem, "")
        if not self.include.isChecked():
            return None
        try:
            percent, amount = self.value.value()
            offer = Offer(
                percent=percent,
                amount=amount,
                min_spend=self._money(self.min_spend.text(), "minimum spend") or 0,
                days=self.days.value(),
            )
            check_terms(offer.terms(""))
        except InvalidInput as error:
            show_message(self.problem, str(error))
            raise
        return offer
