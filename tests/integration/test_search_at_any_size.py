"""Search and listing at any catalogue size, on both runtimes.

Every ranged read of the search takes search_candidates.PAGE documents; the
tests lower it to 3 (monkeypatch) so that eleven products span several pages
of each read, instead of listing thousands: none is dropped with a query, with
a category, with both, or with neither. A narrow query reads about what it
matches, not the catalogue. The longest title, category and SKU names a
product may have (thousands of postings: on DynamoDB far more writes than one
transaction holds) project, follow an edit and going off sale, and rebuild to
the same documents."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

import pytest

from chalicelib.api.schemas import MAX_SKUS, ProductIn, SkuIn
from chalicelib.application.catalogue import ProductEdit
from chalicelib.bootstrap import Container
from chalicelib.clock import FixedClock
from chalicelib.domain.search_tokens import product_tokens
from chalicelib.domain.values import SkuSpec
from chalicelib.projections import (
    product_search,
    product_search_queries,
    recommendation_queries,
    search_candidates,
)
from chalicelib.projections.base import Doc, PagedViewReader
from chalicelib.projections.product_search_index import POSTINGS
from tests.support.runtimes import Running

from .test_product_search import list_product, search, titles

PAGE = 3
TEAS = [f"绿茶{i}号" for i in range(7)]
CUPS = [f"玻璃茶杯{i}" for i in range(4)]


@pytest.fixture(autouse=True)
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_candidates, "PAGE", PAGE)


def every_page(c: Container, views: PagedViewReader | None = None, **query: Any) -> list[str]:
    """The titles of every page of a search, four products a page."""
    found: list[str] = []
    after = None
    while True:
        page = product_search_queries.search(
            views or c.views, c.clock.now(), sort="new", after=after, limit=4, **query
        )
        found += titles(page)
        if page.next_after is None:
            return found
        after = page.next_after


def shop(c: Container, clock: FixedClock) -> dict[str, UUID]:
    ids = {}
    for i, title in enumerate(TEAS):
        ids[title] = list_product(c, f"tea{i}", title, "茶叶", (f"TEA{i}", 1000 + i))
        clock.advance(seconds=1)
    for i, title in enumerate(CUPS):
        ids[title] = list_product(c, f"cup{i}", title, "茶具", (f"CUP{i}", 2000 + i))
        clock.advance(seconds=1)
    return ids


def newest_first(names: Sequence[str]) -> list[str]:
    return [name for name in reversed([*TEAS, *CUPS]) if name in names]


def test_no_product_is_dropped_past_a_page_of_any_read(running: Running, clock: FixedClock) -> None:
    c = running.container
    ids = shop(c, clock)
    running.settle()
    assert every_page(c, q=None, category=None) == newest_first([*TEAS, *CUPS])
    assert every_page(c, q="茶", category=None) == newest_first([*TEAS, *CUPS])
    assert every_page(c, q="绿茶", category=None) == newest_first(TEAS)
    assert every_page(c, q=None, category="茶叶") == newest_first(TEAS)
    assert every_page(c, q="茶", category="茶具") == newest_first(CUPS)
    assert every_page(c, q="杯", category="茶叶") == []
    best = recommendation_queries.for_member(c.views, None, 20)
    assert sorted(best) == sorted(str(pid) for pid in ids.values())

    c.shop.catalogue.set_on_sale(ids[TEAS[0]], False)
    c.shop.catalogue.edit_product(ids[CUPS[0]], ProductEdit(title="茶盘", category="茶叶"))
    running.settle()
    assert every_page(c, q=None, category="茶叶") == [
        "茶盘",
        *newest_first(TEAS[1:]),
    ]
    assert sorted(every_page(c, q="茶", category=None)) == sorted([*TEAS[1:], "茶盘", *CUPS[1:]])
    assert every_page(c, q="茶杯", category=None) == newest_first(CUPS[1:])


class Counting:
    """A view reader that counts the documents it reads."""

    def __init__(self, views: PagedViewReader) -> None:
        self.views = views
        self.docs = 0

    def get(self, projection: str, view: str, key: str) -> Doc | None:
        self.docs += 1
        return self.views.get(projection, view, key)

    def query(self, projection: str, view: str, group: str, **options: Any) -> list[Doc]:
        found = self.views.query(projection, view, group, **options)
        self.docs += len(found)
        return found

    def query_after(
        self, projection: str, view: str, group: str, *, after: str | None, limit: int
    ) -> list[Doc]:
        found = self.views.query_after(projection, view, group, after=after, limit=limit)
        self.docs += len(found)
        return found

    def get_many(self, projection: str, view: str, keys: Sequence[str]) -> dict[str, Doc]:
        found = self.views.get_many(projection, view, keys)
        self.docs += len(found)
        return found


def test_a_narrow_search_reads_what_it_matches(running: Running, clock: FixedClock) -> None:
    c = running.container
    shop(c, clock)
    list_product(c, "white", "白牡丹", "茶叶", ("WHITE", 3000))
    running.settle()
    views = Counting(c.views)
    assert every_page(c, views, q="牡丹 白", category=None) == ["白牡丹"]
    assert views.docs == 3  # its one posting of 牡丹, its summary, its catalogue entry
    views.docs = 0
    assert every_page(c, views, q=None, category="茶具") == newest_first(CUPS)
    assert views.docs == 3 * len(CUPS)  # the category's members, their summaries, the page


def _max_length(model: Any, field: str) -> int:
    return next(
        m.max_length for m in model.model_fields[field].metadata if hasattr(m, "max_length")
    )


def _text(start: int, length: int) -> str:
    """`length` distinct Han characters: each its own token, each pair too."""
    return "".join(chr(0x4E00 + start + n) for n in range(length))


def test_the_longest_title_and_sku_names_project(running: Running, clock: FixedClock) -> None:
    c = running.container
    title_length = _max_length(ProductIn, "title")
    category_length = _max_length(ProductIn, "category")
    name_length = _max_length(SkuIn, "name")
    title = _text(0, title_length)
    category = _text(title_length, category_length)
    first_name = title_length + category_length
    names = [_text(first_name + n * name_length, name_length) for n in range(MAX_SKUS)]
    product_id = c.shop.catalogue.list_product(
        slug="longest",
        title=title,
        category=category,
        description="",
        image_url="",
        skus=[(SkuSpec(f"L{n}", name, 100 + n), 1) for n, name in enumerate(names)],
    )
    running.settle()
    postings = postings_of(c)
    assert len(postings) == len(product_tokens([title, category, *names]))
    assert titles(search(c, names[-1][-2:])) == [title]
    assert titles(search(c, title[:30], category=category)) == [title]

    c.shop.catalogue.edit_product(product_id, ProductEdit(title="短标题", category=None))
    running.settle()
    assert titles(search(c, title[:2])) == []
    assert titles(search(c, "标题")) == ["短标题"]
    before = c.views.dump(product_search.ProductSearchProjection.name)
    assert c.runner.rebuild("product_search").complete
    assert c.views.dump(product_search.ProductSearchProjection.name) == before

    c.shop.catalogue.set_on_sale(product_id, False)
    running.settle()
    assert postings_of(c) == [] and titles(search(c, names[0][:2])) == []


def postings_of(c: Container) -> list[str]:
    dump = c.views.dump(product_search.ProductSearchProjection.name)
    return [key for key in dump if key.startswith(f"{POSTINGS}/")]
