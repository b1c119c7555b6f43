"""Sample shops built into a test's own folder, as `python main.py demo` builds them."""

from __future__ import annotations

from pathlib import Path

from desktop.shop.demo import DemoOptions, build_demo
from desktop.store.shopfile import ShopDatabase, open_shop


def build_sample(folder: Path, options: DemoOptions) -> ShopDatabase:
    """An open sample shop in `folder`, its backups beside it; the caller closes it."""
    shop = open_shop(folder / "sample.aftercare", backups=folder / "backups")
    build_demo(shop, options)
    return shop
