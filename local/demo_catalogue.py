"""The demo catalogue the run command seeds into an empty shop."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.application import Shop
from chalicelib.domain.ids import product_id_for
from chalicelib.domain.values import SkuSpec


@dataclass(frozen=True)
class DemoProduct:
    slug: str
    title: str
    category: str
    description: str
    image_url: str
    skus: list[tuple[SkuSpec, int]]


DEMO_PRODUCTS = [
    DemoProduct(
        slug="oolong-tea",
        title="凤凰单丛 乌龙茶",
        category="tea",
        description="Phoenix Dancong oolong, 2026 spring harvest.",
        image_url="https://example.invalid/img/oolong.jpg",
        skus=[
            (SkuSpec("TEA-OOLONG-50G", "50g", 6800), 120),
            (SkuSpec("TEA-OOLONG-250G", "250g", 29800), 40),
        ],
    ),
    DemoProduct(
        slug="celadon-cup",
        title="龙泉青瓷 品茗杯",
        category="teaware",
        description="Longquan celadon tasting cup, hand thrown.",
        image_url="https://example.invalid/img/cup.jpg",
        skus=[(SkuSpec("CUP-CELADON", "single", 12800), 25)],
    ),
    DemoProduct(
        slug="mooncake-box",
        title="流心奶黄月饼礼盒",
        category="snacks",
        description="Six custard mooncakes in a gift box.",
        image_url="https://example.invalid/img/mooncake.jpg",
        skus=[(SkuSpec("MOONCAKE-6", "6 pieces", 9900), 10)],
    ),
]


def seed_demo_catalogue(shop: Shop) -> int:
    """Lists the demo products that are not listed yet; returns how many it added."""
    added = 0
    for product in DEMO_PRODUCTS:
        if shop.store.exists(product_id_for(product.slug)):
            continue
        shop.catalogue.list_product(
            slug=product.slug,
            title=product.title,
            category=product.category,
            description=product.description,
            image_url=product.image_url,
            skus=product.skus,
        )
        added += 1
    return added
