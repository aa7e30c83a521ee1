"""A page of a longer list: its items, and what the page's links need to know."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
LAST_PAGE = 10_000  # the highest page number a link may ask for


def requested_page(args: Mapping[str, str]) -> int:
    """The page number a request's query string asks for (``?page=3``): 1 when absent or not a number."""
    try:
        return max(1, min(int(args.get("page", "1")), LAST_PAGE))
    except ValueError:
        return 1


@dataclass
class Page(Generic[T]):
    items: list[T]
    total: int
    number: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages
