"""The main window: a sidebar of pages, the shortcuts a busy counter needs, remembered size."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, cast

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QStyle,
    QWidget,
)

if TYPE_CHECKING:
    from desktop.store.shopfile import ShopDatabase
    from desktop.ui.customers_page import CustomersPage
from desktop.ui.events import ShopEvents


class Page(Protocol):
    def activate(self) -> None: ...


@dataclass(frozen=True)
class PageSpec:
    title: str
    icon: QStyle.StandardPixmap
    module: str
    cls: str


# Pages are imported and built on first visit, so start-up pays only for the first one.
PAGES = (
    PageSpec("Today", QStyle.StandardPixmap.SP_ComputerIcon, "desktop.ui.today_page", "TodayPage"),
    PageSpec(
        "Customers",
        QStyle.StandardPixmap.SP_DirHomeIcon,
        "desktop.ui.customers_page",
        "CustomersPage",
    ),
    PageSpec(
        "Purchases",
        QStyle.StandardPixmap.SP_FileDialogDetailedView,
        "desktop.ui.purchases_page",
        "PurchasesPage",
    ),
    PageSpec(
        "Today's parcels",
        QStyle.StandardPixmap.SP_DriveNetIcon,
        "desktop.ui.parcels_page",
        "ParcelsPage",
    ),
    PageSpec(
        "Vouchers",
        QStyle.StandardPixmap.SP_DialogApplyButton,
        "desktop.ui.vouchers_page",
        "VouchersPage",
    ),
    PageSpec(
        "Loyalty",
        QStyle.StandardPixmap.SP_DialogYesButton,
        "desktop.ui.loyalty_page",
        "LoyaltyPage",
    ),
    PageSpec(
        "Feedback",
        QStyle.StandardPixmap.SP_MessageBoxInformation,
        "desktop.ui.feedback_page",
        "FeedbackPage",
    ),
    PageSpec(
        "Not seen lately",
        QStyle.StandardPixmap.SP_MessageBoxQuestion,
        "desktop.ui.lapsed_page",
        "LapsedPage",
    ),
    PageSpec(
        "Campaigns",
        QStyle.StandardPixmap.SP_ArrowForward,
        "desktop.ui.campaigns_page",
        "CampaignsPage",
    ),
    PageSpec(
        "Guides",
        QStyle.StandardPixmap.SP_FileDialogContentsView,
        "desktop.ui.guides_page",
        "GuidesPage",
    ),
    PageSpec(
        "Settings",
        QStyle.StandardPixmap.SP_FileDialogInfoView,
        "desktop.ui.settings_page",
        "SettingsPage",
    ),
)


def page_shortcut(index: int) -> str:
    """Ctrl+1 to Ctrl+9 for the first nine pages, Ctrl+0 for the tenth, Ctrl+, for the last
    (Settings, as in most programs)."""
    if index == len(PAGES) - 1:
        return "Ctrl+,"
    return f"Ctrl+{(index + 1) % 10}" if index < 10 else ""


class MainWindow(QMainWindow):
    """Shown before the shop is open (start-up feels instant); `attach` then fills it. Built
    with a shop, it attaches at once."""

    def __init__(
        self,
        shop: ShopDatabase | None,
        events: ShopEvents,
        *,
        title_note: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.events = events
        self._shop: ShopDatabase | None = None
        self._pages: dict[int, QWidget] = {}
        self.setWindowTitle("Aftercare")

        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setIconSize(QSize(20, 20))
        self.sidebar.setFixedWidth(170)
        self.sidebar.setFrameShape(QListWidget.Shape.NoFrame)
        self.sidebar.setStyleSheet("QListWidget#sidebar::item { padding: 8px 6px; }")
        for spec in PAGES:
            QListWidgetItem(self.style().standardIcon(spec.icon), spec.title, self.sidebar)
        self.stack = QStackedWidget()
        for _ in PAGES:
            self.stack.addWidget(QWidget())
        self.opening = QLabel("Opening your shop…")
        self.opening.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.opening)
        self.stack.setCurrentWidget(self.opening)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.sidebar)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.sidebar.currentRowChanged.connect(self.show_page)

        self._build_actions()
        self.location = QLabel()
        self.statusBar().addPermanentWidget(self.location)
        self._restore_geometry()
        if shop is not None:
            self.attach(shop, title_note)

    @property
    def shop(self) -> ShopDatabase:
        assert self._shop is not None, "the shop is not open yet"
        return self._shop

    def attach(self, shop: ShopDatabase, title_note: str = "") -> None:
        """Show `shop` in the window: its title, its file, and the first page."""
        self._shop = shop
        title = "Aftercare"
        if title_note:
            title += f" — {title_note}"
        if shop.read_only:
            title += " (read-only)"
        self.setWindowTitle(title)
        path = shop.path
        self.location.setText(str(path) if path else shop.location)
        self.stack.removeWidget(self.opening)
        self.opening.deleteLater()
        self.sidebar.setCurrentRow(0)

    def _build_actions(self) -> None:
        menu = self.menuBar().addMenu("&Shop")
        new_purchase = QAction("New &purchase…", self)
        new_purchase.setShortcut(QKeySequence.StandardKey.New)
        new_purchase.triggered.connect(lambda: self.new_purchase())
        find = QAction("&Find customer", self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(self.find_customer)
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        for action in (new_purchase, find):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(quit_action)
        go = self.menuBar().addMenu("&Go")
        for index, spec in enumerate(PAGES):
            action = QAction(spec.title, self)
            action.setShortcut(QKeySequence(page_shortcut(index)))
            action.triggered.connect(lambda _=False, i=index: self.sidebar.setCurrentRow(i))
            go.addAction(action)

    def page_titles(self) -> list[str]:
        return [spec.title for spec in PAGES]

    def page_index(self, title: str) -> int:
        return self.page_titles().index(title)

    def page(self, index: int) -> QWidget:
        """The page at `index`, built the first time it is asked for."""
        if index not in self._pages:
            spec = PAGES[index]
            cls = getattr(importlib.import_module(spec.module), spec.cls)
            widget: QWidget = cls(self.shop, self.events)
            placeholder = self.stack.widget(index)
            self.stack.insertWidget(index, widget)
            if placeholder is not None:
                self.stack.removeWidget(placeholder)
                placeholder.deleteLater()
            self._pages[index] = widget
            self._connect_page(widget)
        return self._pages[index]

    def _connect_page(self, widget: QWidget) -> None:
        # Pages ask for each other by signal; the window knows where everything lives.
        purchase = getattr(widget, "record_purchase_requested", None)
        if purchase is not None:
            purchase.connect(self.new_purchase)
        customer = getattr(widget, "show_customer_requested", None)
        if customer is not None:
            customer.connect(self.show_customer)
        other_page = getattr(widget, "open_page_requested", None)
        if other_page is not None:
            other_page.connect(self.show_page_titled)

    def show_page_titled(self, title: str) -> None:
        if title in self.page_titles():
            self.show_page(self.page_index(title))

    def show_page(self, index: int) -> None:
        if index < 0 or self._shop is None:
            return
        widget = self.page(index)
        self.stack.setCurrentIndex(index)
        if self.sidebar.currentRow() != index:
            self.sidebar.setCurrentRow(index)
        cast(Page, widget).activate()

    def _customers_page(self) -> CustomersPage:
        from desktop.ui.customers_page import CustomersPage

        index = self.page_index("Customers")
        self.show_page(index)
        page = self.page(index)
        assert isinstance(page, CustomersPage)
        return page

    def find_customer(self) -> None:
        if self._shop is not None:
            self._customers_page().focus_search()

    def show_customer(self, customer_id: int) -> None:
        if self._shop is not None:
            self._customers_page().open_customer(customer_id)

    def new_purchase(self, customer_id: int | None = None) -> None:
        if self._shop is None:
            return
        from desktop.ui.purchase_dialog import PurchaseDialog

        PurchaseDialog(self.shop, self.events, self, customer_id=customer_id).exec()

    def bring_forward(self) -> None:
        """Another launch asked for this shop: show this window on top instead."""
        self.setWindowState(self.windowState() & ~Qt.WindowState.WindowMinimized)
        self.show()
        self.raise_()
        self.activateWindow()

    def _restore_geometry(self) -> None:
        saved = QSettings().value("main_window/geometry")
        if isinstance(saved, QByteArray) and self.restoreGeometry(saved):
            return
        screen = QApplication.primaryScreen()
        available = screen.availableGeometry() if screen else None
        if available is not None:
            self.resize(min(1200, available.width() - 80), min(780, available.height() - 80))

    def closeEvent(self, event: QCloseEvent) -> None:
        QSettings().setValue("main_window/geometry", self.saveGeometry())
        super().closeEvent(event)
