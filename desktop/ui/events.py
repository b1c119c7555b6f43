"""One object that tells every page the shop's data changed, so lists stay current."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class ShopEvents(QObject):
    """`changed` carries what changed: "customers", "purchases", "catalogue" or "settings"."""

    changed = Signal(str)
