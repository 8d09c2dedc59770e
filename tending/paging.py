"""Paging shared by every list: a bad page number shows the first page and says so."""

from __future__ import annotations

from typing import Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.http import HttpRequest


def page_or_first(
    request: HttpRequest, rows: Any, per_page: int, problem: str
) -> tuple[Page[Any], str]:
    """The page asked for in ?page=, or the first one with `problem` when there's no such page."""
    paginator = Paginator(rows, per_page)
    asked = request.GET.get("page")
    if asked is None:
        return paginator.page(1), ""
    try:
        return paginator.page(asked), ""
    except (PageNotAnInteger, EmptyPage):
        return paginator.page(1), problem
