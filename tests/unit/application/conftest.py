from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import pytest

from chalicelib.application import Shop
from chalicelib.clock import FixedClock
from chalicelib.domain.values import SkuSpec

from .support import new_shop

START = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def shop(clock: FixedClock) -> Shop:
    shop = new_shop(clock)
    shop.catalogue.list_product(
        slug="oolong",
        title="Oolong",
        category="tea",
        description="Rock tea",
        image_url="https://img.example/oolong.jpg",
        skus=[(SkuSpec("tea-250", "250g", 2500), 10), (SkuSpec("tea-500", "500g", 4500), 3)],
    )
    return shop


@pytest.fixture
def member_id(shop: Shop) -> UUID:
    member_id, _ = shop.logins.log_in(openid="o-alice", unionid=None, scene=1001, query={})
    return member_id
