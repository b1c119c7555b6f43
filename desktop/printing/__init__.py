"""ReportLab documents: thank-you inserts and voucher slips, handed the content they print."""

from desktop.printing.document import NothingToPrint
from desktop.printing.inserts import render_inserts
from desktop.printing.layouts import LAYOUTS, Layout, get_layout
from desktop.printing.voucher_slips import render_voucher_slips

__all__ = [
    "LAYOUTS",
    "Layout",
    "NothingToPrint",
    "get_layout",
    "render_inserts",
    "render_voucher_slips",
]
