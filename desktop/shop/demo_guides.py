"""The sample shop's care guides, in the guide text's Markdown subset (desktop/shop/guides.py).

Those with a web address reach customers as a QR code on the insert; the others print as a
care card in the parcel.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.shop.guides import GuideInput, create_guide
from desktop.store.models import Category, Product

# (title, categories, products, web address, text)
GUIDES: tuple[tuple[str, tuple[str, ...], tuple[str, ...], str, str], ...] = (
    (
        "Brewing loose-leaf tea",
        ("Tea",),
        (),
        "hollybank.example/guides/tea",
        """## A good cup, every time

Loose leaf needs room to unfurl: use a pot or a **roomy infuser**, not a tight ball.

- **Black teas** (Assam, Breakfast, Earl Grey): just-boiled water, 3–4 minutes.
- **Green teas** (Sencha, Jasmine Pearls): 75–80 °C, 2 minutes. Hotter turns them bitter.
- **Oolong**: 90 °C, 3 minutes; the same leaves brew three or four times.
- **Herbal**: boiling water, 5 minutes or more.

## Keeping it fresh

1. Keep tea in its pouch or an airtight tin, away from light.
2. Not in the fridge: it picks up smells.
3. Use within six months of opening for the best flavour.""",
    ),
    (
        "Getting the best from your coffee",
        ("Coffee",),
        (),
        "hollybank.example/guides/coffee",
        """## Grind just before you brew

Whole beans keep their flavour for weeks; ground coffee for days. Match the grind to the method:

- **Espresso**: fine, like table salt.
- **Pour-over**: medium, like sand.
- **Cafetière**: coarse, like sea salt. Brew **4 minutes**, then press gently.

## Storing beans

Keep the bag closed with its valve and out of the sun. **Never freeze** beans you open daily:
the moisture ruins them.""",
    ),
    (
        "Caring for handmade stoneware",
        ("Ceramics",),
        (),
        "",
        """## Your piece was made by hand

Small marks and glaze runs are part of its character, not faults.

- Dishwasher safe, but **hand washing** keeps the glaze bright for longer.
- Microwave safe, except pieces with a **metallic lustre**.
- Avoid sudden heat: don't pour boiling water into a mug straight from the fridge.

A tea stain inside? A paste of **bicarbonate of soda** and a soft cloth lifts it.""",
    ),
    (
        "Your new teapot",
        (),
        ("Celadon Teapot, 4 cups",),
        "",
        """## Before the first brew

Rinse the pot with hot water, then warm it again just before you brew.

1. One heaped teaspoon of leaf per cup.
2. Pour, brew, and serve **all of it**: tea left on the leaves stews.
3. Rinse after use and leave the lid off to dry.

Never scrub the inside with detergent: a light tea patina is good for it.""",
    ),
    (
        "Keeping house plants happy",
        ("Plants",),
        (),
        "hollybank.example/guides/plants",
        """## Settling in

Give your plant a week to get used to its new spot before repotting or feeding.

- **Light**: bright but not scorching; most leaves burn behind a south window in summer.
- **Water**: when the top 2 cm of soil is dry. More plants die of too much than too little.
- **Feed**: once a month from spring to autumn, not in winter.

## Pets

Peace lilies and pothos are **not safe for cats and dogs**: keep them out of reach.""",
    ),
    (
        "Fiddle leaf fig care",
        (),
        ("Fiddle Leaf Fig",),
        "",
        """## A plant that likes routine

- Pick a bright spot and **leave it there**: moving it makes leaves drop.
- Water thoroughly, then let the top 5 cm dry out.
- Wipe the leaves with a damp cloth every month so they can breathe.

Brown spots in the middle of a leaf usually mean **too much water**.""",
    ),
)


def add_guides(session: Session, written: datetime) -> int:
    """The sample guides, tied to the catalogue's categories and products, as if written at
    `written`; returns how many."""
    categories = {name: id for name, id in session.execute(select(Category.name, Category.id))}
    products = {name: id for name, id in session.execute(select(Product.name, Product.id))}
    for title, category_names, product_names, url, body in GUIDES:
        guide = create_guide(
            session,
            GuideInput(
                title=title,
                body=body,
                url=url,
                category_ids=[categories[name] for name in category_names if name in categories],
                product_ids=[products[name] for name in product_names if name in products],
            ),
        )
        guide.created_at = guide.updated_at = written
    return len(GUIDES)
