"""Printing member cards from the Loyalty page: the PDF made in a worker, then the preview; the
layout (card printer or A4 sheet) and colour remembered from last time."""

from __future__ import annotations

import io
from collections.abc import Sequence

from PySide6.QtCore import QSettings, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QPushButton, QWidget

from desktop.printing.cards import CARD_LAYOUTS, DEFAULT_CARD_LAYOUT, MemberCard, render_cards
from desktop.shop.inserts import shop_branding
from desktop.shop.loyalty_ledger import get_account, member_name
from desktop.shop.loyalty_rules import get_programme
from desktop.store.shopfile import ShopDatabase
from desktop.ui import workers
from desktop.ui.print_jobs import Job, RenderedBatch

LAYOUT_KEY = "loyalty/card_layout"
GREY_KEY = "loyalty/card_greyscale"
LAYOUT_WORDS = {
    "cr80": "On a card printer (one card a page)",
    "a4-10up": "On A4 card stock (ten to a sheet, with crop marks)",
}


def card_job(shop: ShopDatabase, account_ids: Sequence[int], *, layout: str, colour: bool) -> Job:
    """The job that prints these members' cards as one PDF."""
    ids = list(dict.fromkeys(account_ids))

    def run(progress: workers.Progress) -> RenderedBatch:
        with shop.read() as session:
            unit = get_programme(session).unit_plural
            cards = []
            for account_id in ids:
                account = get_account(session, account_id)
                cards.append(MemberCard(account.card_number, member_name(account), unit))
            branding = shop_branding(session)
        progress.report(0, len(cards))
        out = io.BytesIO()
        pages = render_cards(
            cards, branding, out, layout=layout, colour=colour, progress=progress.report
        )
        title = "Member card" if len(cards) == 1 else "Member cards"
        return RenderedBatch(title, out.getvalue(), pages, len(cards))

    return run


def remembered_layout() -> tuple[str, bool]:
    """(layout, colour) as last chosen; A4 sheets in colour the first time."""
    settings = QSettings()
    layout = str(settings.value(LAYOUT_KEY, DEFAULT_CARD_LAYOUT))
    grey = settings.value(GREY_KEY, False, type=bool)
    return (layout if layout in CARD_LAYOUTS else DEFAULT_CARD_LAYOUT), not grey


class CardPrintButton(QPushButton):
    """A button whose menu offers the card layouts and greyscale; `chosen(layout, colour)`."""

    chosen = Signal(str, bool)

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setAutoDefault(False)
        menu = QMenu(self)
        group = QActionGroup(self)
        layout, colour = remembered_layout()
        self.layout_actions: dict[str, QAction] = {}
        for name, words in LAYOUT_WORDS.items():
            action = QAction(words, self)
            action.setData(name)
            action.triggered.connect(lambda _=False, chosen=name: self._choose(chosen))
            group.addAction(action)
            menu.addAction(action)
            self.layout_actions[name] = action
        menu.addSeparator()
        self.greyscale = QAction("Print in greyscale", self)
        self.greyscale.setCheckable(True)
        self.greyscale.setChecked(not colour)
        self.greyscale.toggled.connect(lambda grey: QSettings().setValue(GREY_KEY, grey))
        menu.addAction(self.greyscale)
        self.setMenu(menu)
        menu.setDefaultAction(self.layout_actions[layout])

    def print_as_before(self) -> None:
        """The shortcut: the layout and colour chosen last time."""
        layout, colour = remembered_layout()
        self.chosen.emit(layout, colour)

    def _choose(self, layout: str) -> None:
        QSettings().setValue(LAYOUT_KEY, layout)
        menu = self.menu()
        if menu is not None:
            menu.setDefaultAction(self.layout_actions[layout])
        self.chosen.emit(layout, not self.greyscale.isChecked())
