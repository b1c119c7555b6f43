"""The member at the counter: balance in the shop's word, tier and the way to the next one, the
rewards they can have (Redeem…), recent points, Adjust… and Print card; or, for a customer who
has not joined, the offer to enrol them."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import describe_error
from desktop.shop.codes import format_code
from desktop.shop.customers import get_customer
from desktop.shop.loyalty_ledger import account_for_customer
from desktop.shop.loyalty_rules import get_programme
from desktop.shop.rewards import redeem_reward
from desktop.shop.settings import get_profile
from desktop.shop.vouchers import describe_value
from desktop.store.shopfile import ShopDatabase
from desktop.ui.events import ShopEvents
from desktop.ui.inline_errors import error_label, good_colour, show_message
from desktop.ui.loyalty_adjust_dialog import AdjustDialog
from desktop.ui.loyalty_cards import CardPrintButton, card_job
from desktop.ui.loyalty_enrol import EnrolPane
from desktop.ui.loyalty_view import MemberView, RewardChoice, member_view
from desktop.ui.loyalty_widgets import (
    RewardRow,
    StampStrip,
    muted,
    panel_frame,
    scaled,
    wrapping,
)
from desktop.ui.print_jobs import BatchPrinter, PrintProgress, slips_job

RECENT_COLUMNS = ("When", "What", "Change", "Balance")
EMPTY_HINT = (
    "Scan their loyalty card, type its number, or type their name and press Enter: their "
    "balance, tier and the rewards they can have show here. A customer who has not joined "
    "can be enrolled with Ctrl+E."
)


class MemberPanel(QWidget):
    """Shows nobody, a member, or a customer to enrol. `member_shown(account_id)` whenever a
    member's details are on screen."""

    member_shown = Signal(int)

    def __init__(
        self, shop: ShopDatabase, events: ShopEvents, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.shop = shop
        self.events = events
        self.view: MemberView | None = None
        self.customer_id: int | None = None  # shown, whether member or not
        self.reward_rows: list[RewardRow] = []
        self._voucher_code: str | None = None

        self.notice = wrapping()
        self.notice.setStyleSheet(f"color: {good_colour()}; font-weight: 600;")
        self.notice.hide()
        self.print_voucher_button = QPushButton("Print voucher slip…")
        self.print_voucher_button.setAutoDefault(False)
        self.print_voucher_button.clicked.connect(self.print_voucher)
        self.print_voucher_button.hide()
        self.error = error_label()
        self.print_progress = PrintProgress()
        self.printer = BatchPrinter(shop, events, self.print_progress, self)
        self.printer.message.connect(lambda text: show_message(self.error, text))

        self.stack = QStackedWidget()
        self.empty_page = self._build_empty()
        self.member_page = self._build_member()
        self.join_page = EnrolPane(shop, events)
        self.join_page.enrolled.connect(self._enrolled)
        self.join_page.failed.connect(lambda message: show_message(self.error, message))
        for page in (self.empty_page, self.member_page, self.join_page):
            self.stack.addWidget(page)

        notices = QHBoxLayout()
        notices.addWidget(self.notice, 1)
        notices.addWidget(self.print_voucher_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(notices)
        layout.addWidget(self.error)
        layout.addWidget(self.print_progress)
        layout.addWidget(self.stack, 1)

    # Building ------------------------------------------------------------------------------

    def _build_empty(self) -> QWidget:
        title = muted(scaled(QLabel("Who is at the counter?"), 1.5))
        hint = muted(scaled(wrapping(EMPTY_HINT), 1.1, bold=False))
        for label in (title, hint):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setFixedWidth(520)
        # Centred in the page, a wrapping label is given one line unless told its height.
        hint.setFixedHeight(hint.heightForWidth(520))
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setSpacing(10)
        layout.addStretch(1)
        layout.addWidget(title, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(hint, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        return page

    def _build_member(self) -> QWidget:
        self.name = scaled(wrapping(), 1.6)
        self.subtitle = muted(wrapping())
        self.adjust_button = QPushButton("Adjust…")
        self.adjust_button.setAutoDefault(False)
        self.adjust_button.clicked.connect(self.adjust)
        self.card_button = CardPrintButton("Print card")
        self.card_button.setToolTip("Print this member's card (Ctrl+P prints as last time)")
        self.card_button.chosen.connect(self.print_card)
        header = QHBoxLayout()
        titles = QVBoxLayout()
        titles.setSpacing(2)
        titles.addWidget(self.name)
        titles.addWidget(self.subtitle)
        header.addLayout(titles, 1)
        header.addWidget(self.adjust_button, 0, Qt.AlignmentFlag.AlignTop)
        header.addWidget(self.card_button, 0, Qt.AlignmentFlag.AlignTop)

        balance_box = panel_frame()
        self.balance_caption = muted(QLabel("Balance"))
        self.balance = scaled(QLabel(), 2.6)
        self.balance_unit = scaled(QLabel(), 1.2, bold=False)
        self.stamps = StampStrip()
        self.expiry = muted(wrapping())
        amount = QHBoxLayout()
        amount.addWidget(self.balance)
        amount.addWidget(self.balance_unit, 0, Qt.AlignmentFlag.AlignBottom)
        amount.addStretch(1)
        balance_layout = QVBoxLayout(balance_box)
        balance_layout.setContentsMargins(14, 10, 14, 10)
        balance_layout.addWidget(self.balance_caption)
        balance_layout.addLayout(amount)
        balance_layout.addWidget(self.stamps)
        balance_layout.addWidget(self.expiry)
        balance_layout.addStretch(1)

        self.tier_box = panel_frame()
        self.tier_caption = muted(QLabel("Tier"))
        self.tier_name = scaled(QLabel(), 1.5)
        self.tier_detail = muted(wrapping())
        self.tier_progress = QProgressBar()
        self.tier_progress.setRange(0, 1000)
        self.tier_progress.setTextVisible(False)
        self.tier_progress.setFixedHeight(10)
        self.tier_next = wrapping()
        self.tier_perks = wrapping()
        tier_layout = QVBoxLayout(self.tier_box)
        tier_layout.setContentsMargins(14, 10, 14, 10)
        for widget in (
            self.tier_caption,
            self.tier_name,
            self.tier_detail,
            self.tier_progress,
            self.tier_next,
            self.tier_perks,
        ):
            tier_layout.addWidget(widget)
        tier_layout.addStretch(1)

        boxes = QGridLayout()
        boxes.setHorizontalSpacing(12)
        boxes.addWidget(balance_box, 0, 0)
        boxes.addWidget(self.tier_box, 0, 1)
        boxes.setColumnStretch(0, 1)
        boxes.setColumnStretch(1, 1)

        self.rewards_box = QGroupBox("Rewards they can have now")
        self.rewards_layout = QVBoxLayout(self.rewards_box)
        self.no_rewards = muted(wrapping())
        self.next_reward = wrapping()

        self.recent_box = recent_box = QGroupBox("Recent points")
        self.recent = QTableWidget(0, len(RECENT_COLUMNS))
        self.recent.setHorizontalHeaderLabels(RECENT_COLUMNS)
        self.recent.verticalHeader().hide()
        self.recent.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.recent.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.recent.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.recent.setAlternatingRowColors(True)
        self.recent.setShowGrid(False)
        self.recent.setMinimumHeight(180)
        heading = self.recent.horizontalHeader()
        heading.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        heading.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column in (2, 3):
            heading.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        QVBoxLayout(recent_box).addWidget(self.recent)

        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setSpacing(12)
        layout.addLayout(header)
        layout.addLayout(boxes)
        layout.addWidget(self.rewards_box)
        layout.addWidget(recent_box, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        return scroll

    # Showing -------------------------------------------------------------------------------

    def clear(self) -> None:
        self.view, self.customer_id = None, None
        self._say("")
        self.stack.setCurrentWidget(self.empty_page)

    def show_member(self, account_id: int) -> None:
        """Read the member afresh and show them."""
        show_message(self.error, "")
        try:
            with self.shop.read() as session:
                view = member_view(session, account_id)
        except Exception as error:
            message = describe_error(error)
            if message is None:
                raise
            self.clear()
            show_message(self.error, message)
            return
        self.view, self.customer_id = view, view.customer_id
        self._fill(view)
        self.stack.setCurrentWidget(self.member_page)
        self.member_shown.emit(account_id)

    def show_customer(self, customer_id: int) -> None:
        """A customer found by search or number: their membership, or the offer to enrol."""
        show_message(self.error, "")
        self._say("")
        with self.shop.read() as session:
            account = account_for_customer(session, customer_id)
            account_id = None if account is None else account.id
            name = get_customer(session, customer_id).name
            programme = get_programme(session)
        if account_id is not None:
            self.show_member(account_id)
            return
        self.view, self.customer_id = None, customer_id
        self.join_page.show_customer(customer_id, name, programme)
        self.stack.setCurrentWidget(self.join_page)

    def refresh(self) -> None:
        """Show the same person again after a change elsewhere."""
        if self.view is not None:
            self.show_member(self.view.account.id)
        elif self.customer_id is not None:
            self.show_customer(self.customer_id)

    def _fill(self, view: MemberView) -> None:
        programme = view.programme
        self.name.setText(view.name)
        self.subtitle.setText(view.subtitle)
        self.balance.setText(f"{view.balance:,}")
        self.balance_unit.setText(view.unit_word)
        self.stamps.setVisible(view.stamps_on_card is not None)
        if view.stamps_on_card is not None:
            self.stamps.show_card(view.stamps_on_card, programme.card_size)
        self.expiry.setText(view.expiry)
        self.expiry.setVisible(bool(view.expiry))
        tier = view.tier
        self.tier_box.setVisible(tier is not None)
        if tier is not None:
            self.tier_name.setText(tier.name)
            self.tier_detail.setText(tier.detail)
            self.tier_progress.setValue(round(tier.progress * 1000))
            self.tier_next.setText(tier.next_step)
            self.tier_perks.setText(f"Perks: {tier.perks}" if tier.perks else "")
            self.tier_perks.setVisible(bool(tier.perks))
        self._fill_rewards(view)
        self.recent_box.setTitle(f"Recent {programme.unit_plural}")
        self.recent.setRowCount(len(view.recent))
        for row, cells in enumerate(view.recent):
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column >= 2:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if column == 2:
                    item.setForeground(QColor(good_colour() if text.startswith("+") else "#b3261e"))
                self.recent.setItem(row, column, item)

    def _fill_rewards(self, view: MemberView) -> None:
        for row in self.reward_rows:
            row.deleteLater()
        self.reward_rows = []
        while self.rewards_layout.count():
            self.rewards_layout.takeAt(0)
        self.rewards_box.setTitle(f"Rewards {view.name} can have now")
        for choice in view.rewards:
            row = RewardRow(choice)
            row.redeem_button.clicked.connect(lambda _=False, c=choice: self.redeem(c))
            self.rewards_layout.addWidget(row)
            self.reward_rows.append(row)
        self.no_rewards.setText(
            "" if view.rewards else f"Not enough {view.programme.unit_plural} for a reward yet."
        )
        self.no_rewards.setVisible(not view.rewards)
        self.next_reward.setText(view.next_reward)
        self.next_reward.setVisible(bool(view.next_reward))
        self.rewards_layout.addWidget(self.no_rewards)
        self.rewards_layout.addWidget(self.next_reward)

    def _say(self, text: str, voucher_code: str | None = None) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))
        self._voucher_code = voucher_code
        self.print_voucher_button.setVisible(voucher_code is not None)

    # Doing ---------------------------------------------------------------------------------

    def start_enrol(self) -> None:
        """Ctrl+E: ask to enrol the customer shown (Enter then confirms)."""
        if self.stack.currentWidget() is self.join_page:
            self.join_page.ask()
            return
        already = f"{self.view.name} is already a member." if self.view else ""
        show_message(
            self.error,
            already or "Find the customer first (type their name and Enter), then Ctrl+E.",
        )

    def _enrolled(self, account_id: int, message: str) -> None:
        self.show_member(account_id)
        self._say(message)
        self.card_button.setFocus()

    def redeem(self, choice: RewardChoice) -> None:
        """Confirm in words exactly what happens, then turn the points into a voucher."""
        view = self.view
        if view is None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question, "Redeem a reward", choice.question, parent=self
        )
        box.setInformativeText(f"{choice.after} The voucher's code shows here, ready to print.")
        yes = box.addButton("Redeem", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(yes)
        box.exec()
        if box.clickedButton() is not yes:
            return
        try:
            with self.shop.write() as session:
                made = redeem_reward(session, view.account, choice.reward_id)
                code = made.voucher.code
                value = describe_value(made.voucher, get_profile(session).locale)
        except Exception as error:
            message = describe_error(error)
            if message is None:
                raise
            self.show_member(view.account.id)
            show_message(self.error, message)
            return
        self.events.changed.emit("loyalty")
        self.events.changed.emit("vouchers")
        self.show_member(view.account.id)
        left = self.view.programme.units(self.view.balance) if self.view else ""
        self._say(
            f"Done: voucher {format_code(code)} ({value}) for {view.name}, who now has {left}.",
            code,
        )

    def adjust(self) -> None:
        view = self.view
        if view is None:
            return
        dialog = AdjustDialog(
            self.shop, self.events, view.account.id, view.name, view.balance, view.programme, self
        )
        if dialog.exec():
            self.show_member(view.account.id)
            change = view.programme.units(abs(dialog.change()))
            done = "Added" if dialog.change() > 0 else "Took away"
            self._say(f"{done} {change}.")

    def print_card(self, layout: str, colour: bool) -> None:
        if self.view is not None:
            job = card_job(self.shop, [self.view.account.id], layout=layout, colour=colour)
            self.printer.start(job, "Preparing the card…")

    def print_voucher(self) -> None:
        if self._voucher_code is not None:
            job = slips_job(self.shop, [self._voucher_code], colour=True)
            self.printer.start(job, "Preparing the voucher slip…")
