"""Editing the catalogue: categories, and products with price and barcode; retire, never delete."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop.shop.catalogue import (
    add_category,
    add_product,
    list_categories,
    list_products,
    rename_category,
    restore_product,
    retire_product,
    update_product,
)
from desktop.shop.errors import InvalidInput
from desktop.shop.money import format_money, parse_amount, to_input_text
from desktop.shop.settings import ShopProfile, get_profile
from desktop.store.models import Product
from desktop.store.shopfile import ShopDatabase
from desktop.ui.events import ShopEvents
from desktop.ui.inline_errors import error_label, show_message
from desktop.ui.shop_writes import write_or_say

PRODUCT_HEADERS = ("Name", "Category", "Price", "Barcode / SKU", "Status")


class CatalogueEditor(QWidget):
    def __init__(
        self, shop: ShopDatabase, events: ShopEvents, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.shop = shop
        self.events = events
        self.profile = ShopProfile()
        self._products: list[Product] = []
        self._editing: int | None = None

        self.categories = QListWidget()
        self.category_name = QLineEdit()
        self.category_name.setPlaceholderText("Category name, e.g. Tea")
        self.category_name.returnPressed.connect(self.add_category)
        add_category_button = QPushButton("Add category")
        add_category_button.clicked.connect(self.add_category)
        self.rename_button = QPushButton("Rename selected")
        self.rename_button.clicked.connect(self.rename_category)
        self.categories.currentItemChanged.connect(self._category_chosen)
        self.category_error = error_label()
        category_box = QGroupBox("Categories")
        category_buttons = QHBoxLayout()
        category_buttons.addWidget(add_category_button)
        category_buttons.addWidget(self.rename_button)
        category_layout = QVBoxLayout(category_box)
        category_layout.addWidget(self.categories, 1)
        category_layout.addWidget(self.category_name)
        category_layout.addLayout(category_buttons)
        category_layout.addWidget(self.category_error)
        category_box.setMaximumWidth(300)

        self.show_retired = QCheckBox("Show retired products")
        self.show_retired.toggled.connect(self.reload)
        self.products = QTableWidget(0, len(PRODUCT_HEADERS))
        self.products.setHorizontalHeaderLabels(PRODUCT_HEADERS)
        self.products.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.products.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.products.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.products.verticalHeader().hide()
        header = self.products.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(PRODUCT_HEADERS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.products.itemSelectionChanged.connect(self._product_chosen)

        self.product_name = QLineEdit()
        self.product_category = QComboBox()
        self.product_price = QLineEdit()
        self.product_sku = QLineEdit()
        self.product_sku.setPlaceholderText("Scan the barcode here, or type a code (optional)")
        self.add_button = QPushButton("Add as new product")
        self.add_button.clicked.connect(self.add_product)
        self.save_button = QPushButton("Save changes")
        self.save_button.clicked.connect(self.save_product)
        self.retire_button = QPushButton("Retire")
        self.retire_button.clicked.connect(self.retire_or_restore)
        clear_button = QPushButton("Clear form")
        clear_button.clicked.connect(self.clear_form)
        self.product_error = error_label()
        self.notice = QLabel()
        form_box = QGroupBox("Product")
        form = QFormLayout(form_box)
        form.addRow("Name", self.product_name)
        form.addRow("Category", self.product_category)
        form.addRow("Price", self.product_price)
        form.addRow("Barcode / SKU", self.product_sku)
        product_buttons = QHBoxLayout()
        for button in (self.add_button, self.save_button, self.retire_button, clear_button):
            product_buttons.addWidget(button)
        product_buttons.addStretch(1)
        form.addRow("", product_buttons)
        form.addRow("", self.product_error)
        form.addRow("", self.notice)

        products_box = QVBoxLayout()
        products_box.addWidget(self.show_retired)
        products_box.addWidget(self.products, 1)
        products_box.addWidget(form_box)
        layout = QHBoxLayout(self)
        layout.addWidget(category_box)
        layout.addLayout(products_box, 1)
        self.reload()

    def reload(self) -> None:
        """Read categories and products again, keeping the product being edited selected."""
        with self.shop.read() as session:
            self.profile = get_profile(session)
            categories = [(c.id, c.name) for c in list_categories(session)]
            self._products = list_products(session, active_only=not self.show_retired.isChecked())
        chosen_category = self._chosen_category_id()
        self.categories.blockSignals(True)
        self.categories.clear()
        for category_id, name in categories:
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, category_id)
            self.categories.addItem(item)
            if category_id == chosen_category:
                self.categories.setCurrentItem(item)
        self.categories.blockSignals(False)
        kept = self.product_category.currentData()
        self.product_category.clear()
        self.product_category.addItem("(no category)", None)
        for category_id, name in categories:
            self.product_category.addItem(name, category_id)
        self.product_category.setCurrentIndex(max(0, self.product_category.findData(kept)))
        self._fill_products()
        self.rename_button.setEnabled(chosen_category is not None)

    def _fill_products(self) -> None:
        self.products.blockSignals(True)
        self.products.setRowCount(len(self._products))
        for row, product in enumerate(self._products):
            cells = (
                product.name,
                product.category.name if product.category else "",
                format_money(product.unit_price, self.profile.currency, self.profile.locale),
                product.sku or "",
                "on sale" if product.active else "retired",
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 2:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if not product.active:
                    item.setForeground(self.palette().placeholderText())
                self.products.setItem(row, column, item)
            if product.id == self._editing:
                self.products.selectRow(row)
        self.products.blockSignals(False)
        self._update_buttons()

    def _chosen_category_id(self) -> int | None:
        item = self.categories.currentItem()
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def _category_chosen(self) -> None:
        item = self.categories.currentItem()
        self.rename_button.setEnabled(item is not None)
        if item is not None:
            self.category_name.setText(item.text())

    def _changed(self) -> None:
        self.events.changed.emit("catalogue")
        self.reload()

    def _write(self, label: QLabel, change: Callable[[Session], object]) -> bool:
        """Run one catalogue change; a refusal is shown in `label` and nothing is stored."""
        self.notice.setText("")
        return write_or_say(self.shop, label, change)

    def add_category(self) -> None:
        name = self.category_name.text()
        if self._write(self.category_error, lambda session: add_category(session, name)):
            self.category_name.clear()
            self._changed()

    def rename_category(self) -> None:
        chosen, name = self._chosen_category_id(), self.category_name.text()
        if chosen is not None and self._write(
            self.category_error, lambda session: rename_category(session, chosen, name)
        ):
            self._changed()

    def _product_chosen(self) -> None:
        rows = self.products.selectionModel().selectedRows()
        if not rows:
            self._editing = None
            self._update_buttons()
            return
        product = self._products[rows[0].row()]
        self._editing = product.id
        self.product_name.setText(product.name)
        self.product_category.setCurrentIndex(
            max(0, self.product_category.findData(product.category_id))
        )
        self.product_price.setText(
            to_input_text(product.unit_price, self.profile.currency, self.profile.locale)
        )
        self.product_sku.setText(product.sku or "")
        show_message(self.product_error, "")
        self._update_buttons()

    def _update_buttons(self) -> None:
        product = self._editing_product()
        self.save_button.setEnabled(product is not None)
        self.retire_button.setEnabled(product is not None)
        self.retire_button.setText("Bring back" if product and not product.active else "Retire")

    def _editing_product(self) -> Product | None:
        return next((p for p in self._products if p.id == self._editing), None)

    def clear_form(self) -> None:
        self.products.clearSelection()
        self._editing = None
        for field in (self.product_name, self.product_price, self.product_sku):
            field.clear()
        self.product_category.setCurrentIndex(0)
        show_message(self.product_error, "")
        self._update_buttons()
        self.product_name.setFocus()

    def _form_values(self) -> tuple[str, int, int | None, str] | None:
        """(name, price, category, code) from the form, or None after showing a bad price."""
        try:
            price = parse_amount(
                self.product_price.text(), self.profile.currency, "price", self.profile.locale
            )
        except InvalidInput as error:
            show_message(self.product_error, str(error))
            self.product_price.setFocus()
            return None
        category = self.product_category.currentData()
        return self.product_name.text(), price, category, self.product_sku.text()

    def add_product(self) -> None:
        values = self._form_values()
        if values is None:
            return
        name, price, category, sku = values
        if self._write(
            self.product_error,
            lambda session: add_product(session, name, price, category_id=category, sku=sku),
        ):
            self.clear_form()
            self._changed()
            self.notice.setText(f"Added “{name.strip()}”.")

    def save_product(self) -> None:
        product_id, values = self._editing, self._form_values()
        if product_id is None or values is None:
            return
        name, price, category, sku = values
        if self._write(
            self.product_error,
            lambda session: update_product(
                session, product_id, name, price, category_id=category, sku=sku
            ),
        ):
            self._changed()
            self.notice.setText(f"Saved “{name.strip()}”.")

    def retire_or_restore(self) -> None:
        product = self._editing_product()
        if product is None:
            return
        change = retire_product if product.active else restore_product
        if self._write(self.product_error, lambda session: change(session, product.id)):
            if product.active and not self.show_retired.isChecked():
                self.clear_form()
            self._changed()
            done = "retired: it no longer shows at the till" if product.active else "back on sale"
            self.notice.setText(f"“{product.name}” is {done}.")
