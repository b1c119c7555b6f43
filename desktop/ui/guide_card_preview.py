"""A guide's A6 care card laid out in the background and shown in the print preview."""

from __future__ import annotations

import io

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QWidget

from desktop.errors import describe_error
from desktop.printing.care_cards import render_care_cards
from desktop.shop.guide_text import parse_body
from desktop.shop.guides import CareCard, GuideInput
from desktop.shop.inserts import shop_branding
from desktop.store.shopfile import ShopDatabase
from desktop.ui import workers
from desktop.ui.print_preview import PrintPreviewDialog


class CardPreview(QObject):
    """Renders one care card off the GUI thread, then opens its preview (print or save).

    `message(text)` when it could not be made; `idle` when the background part is over."""

    message = Signal(str)
    idle = Signal()

    def __init__(self, shop: ShopDatabase, owner: QWidget) -> None:
        super().__init__(owner)
        self._shop = shop
        self._owner = owner
        self._worker: workers.Worker | None = None
        self._title = ""
        self.preview: PrintPreviewDialog | None = None
        self.rendered: bytes | None = None  # the last card made, as previewed

    @property
    def busy(self) -> bool:
        return self._worker is not None

    def start(self, details: GuideInput) -> None:
        """The card of `details` as typed (saved or not)."""
        if self._worker is not None:
            return
        self._title = details.title.strip()
        card = CareCard(self._title, parse_body(details.body), details.image)
        with self._shop.read() as session:
            branding = shop_branding(session)

        def job(_progress: workers.Progress) -> bytes:
            out = io.BytesIO()
            render_care_cards([card], branding, out)
            return out.getvalue()

        self.message.emit("")
        self._worker = workers.start(job, finished=self._rendered, failed=self._failed)

    def _rendered(self, pdf: bytes) -> None:
        self._worker = None
        self.idle.emit()
        self.rendered = pdf
        preview = PrintPreviewDialog(pdf, f"Care card: {self._title}", self._owner)
        preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        preview.destroyed.connect(lambda: setattr(self, "preview", None))
        self.preview = preview
        preview.open()

    def _failed(self, error: BaseException) -> None:
        self._worker = None
        self.idle.emit()
        text = describe_error(error)
        if text is None:
            raise error
        self.message.emit(text)
