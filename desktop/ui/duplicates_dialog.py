"""Possible duplicates: two records side by side, and merging one into the other."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import describe_error
from desktop.shop.duplicates import all_possible_duplicates, merge_customers
from desktop.shop.errors import ShopError
from desktop.store.models import Customer
from desktop.store.shopfile import ShopDatabase
from desktop.ui import workers
from desktop.ui.customer_format import ShopFormat
from desktop.ui.events import ShopEvents
from desktop.ui.inline_errors import error_label

FIELDS = (
    ("Name", "name"),
    ("Email", "email"),
    ("Phone", "phone"),
    ("Address", "address"),
    ("Customer since", "since"),
    ("Purchases", "purchases"),
    ("Spent", "spent"),
    ("Last seen", "last_seen"),
    ("Marketing", "marketing"),
)


@dataclass(frozen=True)
class Person:
    """One side of a pair, as text (read in a background session)."""

    id: int
    name: str
    email: str
    phone: str
    address: str
    since: str
    purchases: str
    spent: str
    last_seen: str
    marketing: str


@dataclass(frozen=True)
class Candidate:
    left: Person
    right: Person
    reason: str


def _person(customer: Customer, shown: ShopFormat) -> Person:
    address = ", ".join(
        part
        for part in (
            customer.address_line1,
            customer.address_line2,
            customer.town,
            customer.postcode,
        )
        if part
    )
    channels = [
        name
        for name, granted in (
            ("email", customer.email_marketing),
            ("post", customer.post_marketing),
        )
        if granted
    ]
    visits = customer.visit_count
    return Person(
        id=customer.id,
        name=customer.name,
        email=customer.email or "—",
        phone=customer.phone or "—",
        address=address or "—",
        since=shown.day(customer.created_at),
        purchases=f"{visits} purchase{'s' if visits != 1 else ''}",
        spent=shown.money(customer.total_spent),
        last_seen=shown.day(customer.last_seen_at, "never"),
        marketing=" and ".join(channels) if channels else "none",
    )


def find_candidates(shop: ShopDatabase) -> list[Candidate]:
    """Every possible duplicate pair, as text; runs off the GUI thread with its own session."""
    with shop.read() as session:
        shown = ShopFormat.of(session)
        return [
            Candidate(_person(p.first, shown), _person(p.second, shown), p.reason)
            for p in all_possible_duplicates(session)
        ]


def _find_in_background(shop: ShopDatabase, _progress: workers.Progress) -> list[Candidate]:
    return find_candidates(shop)


class DuplicatesDialog(QDialog):
    def __init__(
        self, shop: ShopDatabase, events: ShopEvents, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._shop = shop
        self._events = events
        self._worker: workers.Worker | None = None
        self.candidates: list[Candidate] = []
        self.loaded = False
        self.setWindowTitle("Possible duplicates")
        self.resize(820, 560)

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.pairs = QListWidget()
        self.pairs.currentRowChanged.connect(self._show_pair)
        self.sides: list[dict[str, QLabel]] = []
        self.side_boxes: list[QGroupBox] = []
        sides = QHBoxLayout()
        for title in ("Left", "Right"):
            box = QGroupBox(title)
            form = QFormLayout(box)
            labels: dict[str, QLabel] = {}
            for caption, key in FIELDS:
                value = QLabel()
                value.setWordWrap(True)
                value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                form.addRow(caption, value)
                labels[key] = value
            self.sides.append(labels)
            self.side_boxes.append(box)
            sides.addWidget(box, 1)
        self.error = error_label()

        self.merge_left = QPushButton("Merge into left")
        self.merge_left.setToolTip("Keep the left record; the right one's history moves to it")
        self.merge_left.clicked.connect(self.merge_into_left)
        self.merge_right = QPushButton("Merge into right")
        self.merge_right.setToolTip("Keep the right record; the left one's history moves to it")
        self.merge_right.clicked.connect(self.merge_into_right)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        actions = QHBoxLayout()
        actions.addWidget(self.merge_left)
        actions.addWidget(self.merge_right)
        actions.addStretch(1)
        actions.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.pairs, 2)
        layout.addLayout(sides, 3)
        layout.addWidget(self.error)
        layout.addLayout(actions)
        self.scan()

    def scan(self) -> None:
        """Look for pairs in the background; the list fills in when done."""
        if self._worker is not None and not self.loaded:
            return
        self.loaded = False
        self.status.setText("Looking for customers who may be the same person…")
        self._enable_merge(False)
        self._worker = workers.start(
            partial(_find_in_background, self._shop),
            finished=self._scanned,
            failed=self._scan_failed,
        )

    def _scanned(self, result: Any) -> None:
        self.candidates = list(result)
        self.loaded = True
        self.pairs.clear()
        for candidate in self.candidates:
            self.pairs.addItem(
                f"{candidate.left.name}  ↔  {candidate.right.name}  —  {candidate.reason}"
            )
        count = len(self.candidates)
        if count == 0:
            self.status.setText("No possible duplicates found.")
            for labels in self.sides:
                for label in labels.values():
                    label.clear()
        else:
            self.status.setText(
                f"{count} pair{'s' if count != 1 else ''} may be the same person. "
                "Check the details side by side before merging."
            )
            self.pairs.setCurrentRow(0)
            self.pairs.setFocus()

    def _scan_failed(self, error: object) -> None:
        self.loaded = True
        message = describe_error(error) if isinstance(error, BaseException) else None
        self.status.setText(message or "The search for duplicates failed; see the log.")

    def _enable_merge(self, enabled: bool) -> None:
        self.merge_left.setEnabled(enabled)
        self.merge_right.setEnabled(enabled)

    def _show_pair(self, row: int) -> None:
        self.error.hide()
        if not 0 <= row < len(self.candidates):
            self._enable_merge(False)
            return
        candidate = self.candidates[row]
        for labels, person in zip(self.sides, (candidate.left, candidate.right), strict=True):
            for _caption, key in FIELDS:
                labels[key].setText(str(getattr(person, key)))
        self._enable_merge(True)

    def current(self) -> Candidate | None:
        row = self.pairs.currentRow()
        return self.candidates[row] if 0 <= row < len(self.candidates) else None

    def merge_into_left(self) -> None:
        self.merge(keep_left=True)

    def merge_into_right(self) -> None:
        self.merge(keep_left=False)

    def merge(self, *, keep_left: bool) -> None:
        """After confirmation, fold one record into the other (all or nothing)."""
        candidate = self.current()
        if candidate is None:
            return
        keep, other = (
            (candidate.left, candidate.right) if keep_left else (candidate.right, candidate.left)
        )
        if not self._confirm(keep, other):
            return
        try:
            with self._shop.write() as session:
                merge_customers(session, keep.id, other.id)
        except ShopError as error:
            self.error.setText(str(error))
            self.error.show()
            return
        self._events.changed.emit("customers")
        self._events.changed.emit("purchases")
        self.scan()

    def _confirm(self, keep: Person, other: Person) -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Merge customers",
            f"Merge “{other.name}” into “{keep.name}”?",
            parent=self,
        )
        box.setInformativeText(
            f"{other.name}'s {other.purchases} and marketing permissions move over to "
            f"{keep.name}, blank details are filled in from {other.name}'s record, "
            f"and the record “{other.name}” is removed. This cannot be undone."
        )
        merge = box.addButton("Merge", QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.exec()
        return box.clickedButton() is merge
