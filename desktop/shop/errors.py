"""Errors a shopkeeper can read. The UI shows `str(error)`; the command line prints it."""

from __future__ import annotations


class ShopError(Exception):
    """A rule of the shop said no; the message says why in plain words."""


class InvalidInput(ShopError):
    """Something typed or imported is not acceptable. `field` names where, for the UI."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class NotFound(ShopError):
    """The customer, purchase or product asked for does not exist."""


class DuplicateReference(ShopError):
    """A purchase reference is already taken."""


class AlreadyVoided(ShopError):
    """The purchase was voided before."""
