"""One object that tells every page the shop's data changed, so lists stay current."""

from __future__ import annotations

from collections.abc import Callable, Collection

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget


class ShopEvents(QObject):
    """`changed` carries what changed, emitted after the write is committed:

    - "customers": a customer added, edited, merged or their consent changed, or their totals
      moved with a sale, a void or a redeemed voucher;
    - "purchases": a sale recorded or voided, a discount taken off it, its insert printed;
    - "catalogue": categories or products;
    - "settings": the shop's profile and logo, insert options and templates, the extras to
      pack, the "not seen lately" rules;
    - "vouchers": a voucher issued, redeemed, cancelled or its slip printed;
    - "loyalty": members, points, rewards or the programme's rules;
    - "segments": the saved customer segments;
    - "campaigns": a campaign made, its vouchers issued, its emails sent, its post printed or
      its mailing list exported;
    - "unsubscribes": someone asked not to be contacted (also sent as "customers");
    - "guides": the care guides and what they are tied to;
    - "feedback": feedback recorded or imported, a follow-up's state, notes or goodwill voucher.
    """

    changed = Signal(str)


class Freshness(QObject):
    """Keeps a page current: a change named in `names` refreshes it at once while it is shown,
    or marks it stale so `catch_up` (from the page's `activate`) refreshes it when shown again."""

    def __init__(
        self,
        page: QWidget,
        events: ShopEvents,
        names: Collection[str],
        refresh: Callable[[], object],
    ) -> None:
        super().__init__(page)
        self.stale = False
        self._page = page
        self._names = frozenset(names)
        self._refresh = refresh
        events.changed.connect(self._changed)

    def _changed(self, what: str) -> None:
        if what not in self._names:
            return
        if self._page.isVisible():
            self._refresh_now()
        else:
            self.stale = True

    def catch_up(self) -> None:
        if self.stale:
            self._refresh_now()

    def _refresh_now(self) -> None:
        self.stale = False
        self._refresh()
