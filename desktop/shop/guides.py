"""Care guides: a library of how-tos and product stories, tied to categories and products, and
the guide that goes with a purchase (a QR to its web page, or a printed A6 care card).

A guide's body is a small, safe subset of Markdown (shop/guide_text.py).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import groupby
from urllib.parse import urlsplit

from PIL import Image, UnidentifiedImageError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from desktop.shop.errors import InvalidInput, NotFound
from desktop.shop.guide_text import BodyBlock, parse_body
from desktop.shop.settings import JPEG_SIGNATURE, PNG_SIGNATURE
from desktop.shop.text import clean_line, clean_text, fold
from desktop.store.models import Category, Product, Purchase, PurchaseLine, utc_now
from desktop.store.models_feedback import Guide, GuideCategory, GuideProduct

MAX_BODY = 20_000
MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_IMAGE_SIDE = 6000  # pixels: a photo straight off a phone, not a poster

# --- The library -------------------------------------------------------------------------------


@dataclass
class GuideInput:
    """What the shopkeeper types about a guide; checked by `create_guide`/`update_guide`."""

    title: str
    body: str = ""
    url: str = ""
    image: bytes | None = None  # PNG or JPEG
    category_ids: list[int] = field(default_factory=list)
    product_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class GuideRow:
    """One line of the guides list."""

    id: int
    title: str
    url: str | None
    has_image: bool
    categories: list[str]
    products: list[str]


def check_url(text: str) -> str | None:
    """A guide's public address as stored ("https://" added when left out); None when empty."""
    typed = clean_line(text, "web address", max_length=500)
    if not typed:
        return None
    scheme = re.match(r"([a-z][a-z0-9+.\-]*):(?!\d)", typed, re.IGNORECASE)
    if "://" not in typed and scheme is None:
        typed = f"https://{typed}"
    parts = urlsplit(typed)
    try:
        valid = parts.port is not None or bool(parts.hostname)
    except ValueError:
        valid = False
    if parts.scheme.lower() not in ("http", "https") or not valid or " " in typed:
        raise InvalidInput(
            "url", f"“{text.strip()}” is not a web address starting with http:// or https://."
        )
    return parts.scheme.lower() + typed[len(parts.scheme) :]


def check_image(data: bytes) -> str:
    """The picture's media type; InvalidInput unless it is a readable PNG or JPEG of sane size."""
    if len(data) > MAX_IMAGE_BYTES:
        raise InvalidInput("image", "The picture is too large (at most 2 MB).")
    if data.startswith(PNG_SIGNATURE):
        media_type = "image/png"
    elif data.startswith(JPEG_SIGNATURE):
        media_type = "image/jpeg"
    else:
        raise InvalidInput("image", "The picture must be a PNG or JPEG file.")
    try:
        with Image.open(io.BytesIO(data)) as picture:
            width, height = picture.size
            picture.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError):
        raise InvalidInput(
            "image", "This picture could not be read (is the file whole?)."
        ) from None
    if max(width, height) > MAX_IMAGE_SIDE:
        raise InvalidInput(
            "image",
            f"The picture is too big ({width} × {height} pixels; at most {MAX_IMAGE_SIDE}).",
        )
    return media_type


def _checked_ids(
    session: Session, model: type[Category] | type[Product], ids: list[int]
) -> list[int]:
    wanted = sorted(set(ids))
    found = set(session.scalars(select(model.id).where(model.id.in_(wanted)))) if wanted else set()
    missing = [number for number in wanted if number not in found]
    if missing:
        what = "category" if model is Category else "product"
        raise NotFound(f"There is no {what} number {missing[0]}.")
    return wanted


def _apply(session: Session, guide: Guide, details: GuideInput) -> Guide:
    title = clean_line(details.title, "title", max_length=200, required=True)
    clash = session.scalar(
        select(Guide.id).where(Guide.title_key == fold(title), Guide.id != (guide.id or 0))
    )
    if clash is not None:
        raise InvalidInput("title", f"There is already a guide called “{title}”.")
    body = clean_text(details.body, "text", max_length=MAX_BODY)
    url = check_url(details.url)
    media_type = check_image(details.image) if details.image else None
    categories = _checked_ids(session, Category, details.category_ids)
    products = _checked_ids(session, Product, details.product_ids)
    guide.title, guide.title_key, guide.body, guide.url = title, fold(title), body, url
    guide.image, guide.image_type = (details.image or None), media_type
    guide.updated_at = utc_now()
    if guide.id is None:
        session.add(guide)
    session.flush()
    session.execute(delete(GuideCategory).where(GuideCategory.guide_id == guide.id))
    session.execute(delete(GuideProduct).where(GuideProduct.guide_id == guide.id))
    session.add_all(GuideCategory(guide_id=guide.id, category_id=c) for c in categories)
    session.add_all(GuideProduct(guide_id=guide.id, product_id=p) for p in products)
    session.flush()
    return guide


def create_guide(session: Session, details: GuideInput) -> Guide:
    """A new guide. Raises InvalidInput naming the field (title, url, image, text)."""
    return _apply(session, Guide(), details)


def update_guide(session: Session, guide_id: int, details: GuideInput) -> Guide:
    """Replace a guide's title, text, address, picture and links."""
    return _apply(session, get_guide(session, guide_id), details)


def delete_guide(session: Session, guide_id: int) -> None:
    """Remove a guide and its links (purchases keep nothing of it)."""
    session.delete(get_guide(session, guide_id))
    session.flush()


def get_guide(session: Session, guide_id: int) -> Guide:
    """The guide with that number; NotFound when there is none."""
    guide = session.get(Guide, guide_id)
    if guide is None:
        raise NotFound(f"There is no guide number {guide_id}.")
    return guide


def guide_details(session: Session, guide_id: int) -> GuideInput:
    """A guide as its form shows it, links included, ready to change and pass to update_guide."""
    guide = get_guide(session, guide_id)
    return GuideInput(
        title=guide.title,
        body=guide.body,
        url=guide.url or "",
        image=guide.image,
        category_ids=list(
            session.scalars(
                select(GuideCategory.category_id).where(GuideCategory.guide_id == guide_id)
            )
        ),
        product_ids=list(
            session.scalars(
                select(GuideProduct.product_id).where(GuideProduct.guide_id == guide_id)
            )
        ),
    )


def list_guides(session: Session) -> list[GuideRow]:
    """Every guide A to Z (ignoring case and accents), with the names of what it is tied to."""
    categories: dict[int, list[str]] = {}
    for guide_id, name in session.execute(
        select(GuideCategory.guide_id, Category.name)
        .join(Category, Category.id == GuideCategory.category_id)
        .order_by(Category.name)
    ):
        categories.setdefault(guide_id, []).append(name)
    products: dict[int, list[str]] = {}
    for guide_id, name in session.execute(
        select(GuideProduct.guide_id, Product.name)
        .join(Product, Product.id == GuideProduct.product_id)
        .order_by(Product.name)
    ):
        products.setdefault(guide_id, []).append(name)
    rows = session.execute(
        select(Guide.id, Guide.title, Guide.url, Guide.image_type.is_not(None)).order_by(
            Guide.title_key
        )
    )
    return [
        GuideRow(id, title, url, bool(image), categories.get(id, []), products.get(id, []))
        for id, title, url, image in rows
    ]


# --- The guide for a purchase ------------------------------------------------------------------


def guides_for_purchases(session: Session, purchase_ids: Sequence[int]) -> dict[int, Guide]:
    """The guide for each purchase that has one. A guide tied to a product bought beats one tied
    to a category; among lines, the most expensive (quantity × price) first, then the first
    rung up; among guides tied to the same thing, the oldest."""
    ids = list(dict.fromkeys(purchase_ids))
    if not ids:
        return {}
    lines = session.execute(
        select(
            PurchaseLine.purchase_id,
            PurchaseLine.product_id,
            func.coalesce(PurchaseLine.category_id, Product.category_id),
        )
        .outerjoin(Product, Product.id == PurchaseLine.product_id)
        .where(PurchaseLine.purchase_id.in_(ids))
        .order_by(
            PurchaseLine.purchase_id,
            (PurchaseLine.quantity * PurchaseLine.unit_price).desc(),
            PurchaseLine.position,
        )
    ).all()
    product_ids = {line[1] for line in lines if line[1] is not None}
    category_ids = {line[2] for line in lines if line[2] is not None}
    by_product = dict(
        session.execute(
            select(GuideProduct.product_id, func.min(GuideProduct.guide_id))
            .where(GuideProduct.product_id.in_(product_ids))
            .group_by(GuideProduct.product_id)
        ).all()
    )
    by_category = dict(
        session.execute(
            select(GuideCategory.category_id, func.min(GuideCategory.guide_id))
            .where(GuideCategory.category_id.in_(category_ids))
            .group_by(GuideCategory.category_id)
        ).all()
    )
    chosen: dict[int, int] = {}
    for purchase_id, group in groupby(lines, key=lambda line: line[0]):
        own = list(group)
        found = [by_product[p] for _, p, _ in own if p in by_product] or [
            by_category[c] for _, _, c in own if c in by_category
        ]
        if found:
            chosen[purchase_id] = found[0]
    guides = {
        g.id: g for g in session.scalars(select(Guide).where(Guide.id.in_(set(chosen.values()))))
    }
    return {purchase_id: guides[guide_id] for purchase_id, guide_id in chosen.items()}


def guide_for_purchase(session: Session, purchase_id: int) -> Guide | None:
    """The guide that goes with what was bought (see `guides_for_purchases`), or None."""
    if session.get(Purchase, purchase_id) is None:
        raise NotFound(f"There is no purchase number {purchase_id}.")
    return guides_for_purchases(session, [purchase_id]).get(purchase_id)


@dataclass(frozen=True)
class CareCard:
    """A guide as an A6 care card prints it (desktop/printing/care_cards.py)."""

    title: str
    blocks: tuple[BodyBlock, ...]
    image: bytes | None = None
    reference: str = ""  # the purchase it goes in the parcel with


def care_card(guide: Guide, reference: str = "") -> CareCard:
    """The printed card of `guide`."""
    return CareCard(guide.title, parse_body(guide.body), guide.image, reference)


def care_cards_for_purchases(session: Session, purchase_ids: Sequence[int]) -> list[CareCard]:
    """A card for each purchase whose guide has no web address (a guide that has one reaches
    the customer as a QR code on the insert instead), in the order of `purchase_ids`."""
    guides = guides_for_purchases(session, purchase_ids)
    references = dict(
        session.execute(
            select(Purchase.id, Purchase.reference).where(Purchase.id.in_(list(guides)))
        ).all()
    )
    return [
        care_card(guides[purchase_id], references[purchase_id])
        for purchase_id in dict.fromkeys(purchase_ids)
        if purchase_id in guides and guides[purchase_id].url is None
    ]


def sample_guide(session: Session) -> tuple[str, str] | None:
    """(title, web address) of the shop's oldest guide with a web address, for a sample insert
    to show how a guide's QR code looks; None when no guide has one."""
    found = session.execute(
        select(Guide.title, Guide.url).where(Guide.url.is_not(None)).order_by(Guide.id).limit(1)
    ).first()
    return (found.title, found.url) if found is not None and found.url else None
