"""Batch printing from the pages: content built and rendered into one PDF in a worker (its own
session, progress, cancel), then the preview; pieces are marked printed only once the printer
took the job or the PDF was saved."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from desktop.errors import describe_error
from desktop.printing import render_inserts, render_voucher_slips
from desktop.shop.campaign_post import confirm_printed
from desktop.shop.codes import format_code
from desktop.shop.guides import CareCard, care_cards_for_purchases, sample_guide
from desktop.shop.insert_options import InsertOptions
from desktop.shop.inserts import (
    InsertContent,
    ShopBranding,
    mark_inserts_printed,
    mark_vouchers_printed,
    prepare_inserts,
    sample_insert,
    shop_branding,
    voucher_content,
)
from desktop.shop.settings import ShopProfile, get_profile
from desktop.shop.templates import Template
from desktop.shop.vouchers import VoucherRefused, find_voucher, refusal, unprinted_vouchers
from desktop.store.models import utc_now
from desktop.store.shopfile import ShopDatabase
from desktop.ui import workers
from desktop.ui.events import ShopEvents
from desktop.ui.print_preview import PrintPreviewDialog

# Purchases prepared per step: small enough for Cancel to answer at once.
CHUNK = 20
SLIP_LAYOUT = "a4-4up"


@dataclass(frozen=True)
class RenderedBatch:
    """One finished PDF and what to mark printed once it is printed or saved."""

    title: str
    pdf: bytes
    pages: int
    pieces: int
    purchase_ids: tuple[int, ...] = ()
    voucher_ids: tuple[int, ...] = ()
    contact_ids: tuple[int, ...] = ()  # a campaign's prepared postcards or letters


Job = Callable[[workers.Progress], RenderedBatch]


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def insert_job(shop: ShopDatabase, purchase_ids: Sequence[int], options: InsertOptions) -> Job:
    """The job that prints these purchases' thank-you inserts, with `options`, as one PDF; the
    A6 care cards of guides without a web page follow them in the same document."""
    ids = list(purchase_ids)

    def run(progress: workers.Progress) -> RenderedBatch:
        total = 2 * len(ids)
        inserts: list[InsertContent] = []
        cards: list[CareCard] = []
        voucher_ids: list[int] = []
        # One transaction for the vouchers the inserts carry: Cancel while preparing keeps none.
        # It commits before rendering so another till is never kept waiting by the layout work.
        with shop.write() as session:
            for start in range(0, len(ids), CHUNK):
                progress.report(start, total)
                batch = prepare_inserts(session, ids[start : start + CHUNK], options=options)
                inserts += batch.inserts
                cards += care_cards_for_purchases(session, batch.purchase_ids)
                voucher_ids += batch.voucher_ids
            branding = shop_branding(session)
        out = io.BytesIO()
        pages = render_inserts(
            inserts,
            branding,
            out,
            layout=options.layout,
            colour=options.colour,
            progress=lambda done, pieces: progress.report(len(ids) + done, len(ids) + pieces),
            care_cards=cards,
        )
        title = "Thank-you inserts and care cards" if cards else "Thank-you inserts"
        return RenderedBatch(
            title, out.getvalue(), pages, len(inserts), tuple(ids), tuple(voucher_ids)
        )

    return run


def slips_job(
    shop: ShopDatabase, codes: Sequence[str] | None, *, layout: str = SLIP_LAYOUT, colour: bool
) -> Job:
    """The job that prints voucher slips for `codes`, or for every usable unprinted voucher."""

    def run(progress: workers.Progress) -> RenderedBatch:
        with shop.read() as session:
            branding = shop_branding(session)
            if codes is None:
                found = unprinted_vouchers(session)
            else:
                found = [find_voucher(session, code) for code in codes]
                for voucher in found:
                    reason = refusal(session, voucher, spend=None, customer_id=voucher.customer_id)
                    if reason:
                        raise VoucherRefused(f"{format_code(voucher.code)}: {reason}")
            slips = [voucher_content(voucher, branding.locale) for voucher in found]
            ids = tuple(voucher.id for voucher in found)
        progress.report(0, len(slips))
        out = io.BytesIO()
        pages = render_voucher_slips(
            slips, branding, out, layout=layout, colour=colour, progress=progress.report
        )
        return RenderedBatch("Voucher slips", out.getvalue(), pages, len(slips), voucher_ids=ids)

    return run


def sample_job(shop: ShopDatabase, options: InsertOptions, template: Template) -> Job:
    """The job that renders one sample insert (nothing to mark printed afterwards)."""

    def run(progress: workers.Progress) -> RenderedBatch:
        with shop.read() as session:
            branding = shop_branding(session)
            profile = get_profile(session)
            guide = sample_guide(session)
        insert = sample_insert(profile, options, template, guide=guide)
        progress.report(0, 1)
        out = io.BytesIO()
        pages = render_inserts(
            [insert], branding, out, layout=options.layout, colour=options.colour
        )
        return RenderedBatch("Sample insert", out.getvalue(), pages, 1)

    return run


def warm_up(profile: ShopProfile, options: InsertOptions, template: Template) -> workers.Worker:
    """Lay out a sample insert in the background and throw it away: the faces it loads (a few
    hundred ms, once) are then ready, so the first preview is as quick as the next."""
    insert = sample_insert(profile, options, template)
    return workers.start(
        lambda _progress: render_inserts([insert], ShopBranding(name=profile.name), io.BytesIO()),
        finished=lambda _pages: None,
    )


class PrintProgress(QWidget):
    """A slim bar with Cancel, shown inside the page while a batch is prepared."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setTextVisible(True)
        self.bar.setFormat("%p%")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAutoDefault(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar, 1)
        layout.addWidget(self.cancel_button)
        self.hide()

    def begin(self, text: str) -> None:
        self.label.setText(text)
        self.bar.setRange(0, 0)
        self.cancel_button.setEnabled(True)
        self.show()

    def step(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)


class BatchPrinter(QObject):
    """Runs one print job at a time for a page: worker, progress, preview, then marking.

    `previewing(dialog)` when the preview opens; `marked(batch)` once its pieces are recorded
    as printed; `message(text)` for anything the shopkeeper should read (a failure, a cancel);
    `idle` when the background part is over, whichever way it ended."""

    previewing = Signal(object)
    marked = Signal(object)
    message = Signal(str)
    idle = Signal()

    def __init__(
        self, shop: ShopDatabase, events: ShopEvents, progress: PrintProgress, owner: QWidget
    ) -> None:
        super().__init__(owner)
        self._shop = shop
        self._events = events
        self._progress = progress
        self._owner = owner
        self._worker: workers.Worker | None = None
        self.preview: PrintPreviewDialog | None = None
        self.rendered: RenderedBatch | None = None  # the last document made, as previewed
        progress.cancel_button.clicked.connect(self.cancel)

    @property
    def busy(self) -> bool:
        return self._worker is not None

    def start(self, job: Job, waiting: str) -> None:
        """Run `job` in the background; `waiting` says what is being prepared."""
        if self._worker is not None:
            return
        self.message.emit("")
        self._progress.begin(waiting)
        self._worker = workers.start(
            job,
            finished=self._rendered,
            failed=self._failed,
            progress=self._progress.step,
            cancelled=self._cancelled,
        )

    def cancel(self) -> None:
        if self._worker is not None:
            self._progress.cancel_button.setEnabled(False)
            self._progress.label.setText("Cancelling…")
            self._worker.cancel()

    def _done(self) -> None:
        self._worker = None
        self._progress.hide()
        self.idle.emit()

    def _rendered(self, batch: RenderedBatch) -> None:
        self._done()
        self.rendered = batch
        preview = PrintPreviewDialog(batch.pdf, batch.title, self._owner)
        preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        preview.printed.connect(lambda _pages: self._mark(batch))
        preview.saved.connect(lambda _path: self._mark(batch))
        preview.destroyed.connect(lambda: self._forget(preview))
        self.preview = preview
        preview.open()
        self.previewing.emit(preview)

    def _forget(self, preview: PrintPreviewDialog) -> None:
        if self.preview is preview:
            self.preview = None

    def _mark(self, batch: RenderedBatch) -> None:
        if not (batch.purchase_ids or batch.voucher_ids or batch.contact_ids):
            return
        try:
            with self._shop.write() as session:
                now = utc_now()
                mark_inserts_printed(session, batch.purchase_ids, now)
                mark_vouchers_printed(session, batch.voucher_ids, now)
                confirm_printed(session, batch.contact_ids)
        except Exception as error:
            text = describe_error(error)
            if text is None:
                raise
            self.message.emit(f"Printed, but not marked as printed: {text}")
            return
        if batch.purchase_ids:
            self._events.changed.emit("purchases")
        if batch.voucher_ids:
            self._events.changed.emit("vouchers")
        if batch.contact_ids:
            self._events.changed.emit("campaigns")
        self.marked.emit(batch)

    def _failed(self, error: BaseException) -> None:
        self._done()
        text = describe_error(error)
        if text is None:
            raise error
        self.message.emit(text)

    def _cancelled(self) -> None:
        self._done()
        self.message.emit("Cancelled: nothing was printed or marked as printed.")
