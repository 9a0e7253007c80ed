"""Page arithmetic shared by hand-built listings (the same names as Flask-SQLAlchemy's Pagination,
so templates/macros/tables.html's pagination macro serves both)."""
from __future__ import annotations


class PageNumbers:
    """Mixin for a dataclass with `total`, `page` and `per_page`."""

    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1
