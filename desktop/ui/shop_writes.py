"""One change to the shop from a screen: stored whole, or refused with the reason said where
the shopkeeper is looking."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel

from desktop.errors import describe_error
from desktop.ui.inline_errors import show_message

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from desktop.store.shopfile import ShopDatabase


def write_or_say(
    shop: ShopDatabase,
    label: QLabel,
    change: Callable[[Session], object],
    refused: Callable[[Exception], None] = lambda _error: None,
) -> bool:
    """Run `change` in one unit of work. A refusal (bad input, a locked or read-only file) is
    shown in `label`, then handed to `refused` (to focus the field it names), and nothing is
    stored; anything else is a bug and goes on up."""
    show_message(label, "")
    try:
        with shop.write() as session:
            change(session)
    except Exception as error:
        message = describe_error(error)
        if message is None:
            raise
        show_message(label, message)
        refused(error)
        return False
    return True
