"""One change to the shop from a screen: stored whole, or refused with the reason said where
the shopkeeper is looking: under the field it names, the cursor there."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QWidget

from desktop.errors import describe_error
from desktop.shop.errors import InvalidInput
from desktop.ui.inline_errors import fit_height, show_message

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
        message, _field = refusal(error)
        show_message(label, message)
        refused(error)
        return False
    return True


def refusal(error: BaseException) -> tuple[str, str | None]:
    """(the shopkeeper's message, the field it names or None) for a refused change; anything
    else is a bug and is raised again."""
    message = describe_error(error)
    if message is None:
        raise error
    return message, error.field if isinstance(error, InvalidInput) else None


def say_at(dialog: QWidget, label: QLabel, field: QWidget, message: str) -> None:
    """`message` in `label`, the cursor in `field`, the dialog grown to show it whole."""
    show_message(label, message)
    field.setFocus()
    fit_height(dialog)
