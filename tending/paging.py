"""Paging shared by every list: a bad page number shows the first page and says so."""

from __future__ import annotations

from typing import Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.http import HttpRequest


def page_or_first(
    request: HttpRequest, rows: Any, per_page: int, problem: str
) -> tuple[Page[Any], str]:
    """The page asked for in ?page=, or the first one with `problem` when there's no such page."""
    return page_of(rows, request.GET.get("page"), per_page, problem)


def page_of(rows: Any, asked: str | None, per_page: int, problem: str) -> tuple[Page[Any], str]:
    """The page numbered `asked` (as typed in ?page=; None when not asked), or the first one
    with `problem` when there's no such page. Presenters page with this: the view reads the
    number from the request and hands it on."""
    paginator = Paginator(rows, per_page)
    if asked is None:
        return paginator.page(1), ""
    try:
        return paginator.page(asked), ""
    except (PageNotAnInteger, EmptyPage):
        return paginator.page(1), problem
