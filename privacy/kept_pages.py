"""A page a person has just been shown, kept for a minute and shown again only while every
query it was made from still gives exactly the same answer (issue 18).

Why this is safe to serve:

- A page is a function of the rows its request read, the request itself and the clock.
  Every query of the request is heard (`QueryRecordingMiddleware`, from before the session
  is read to the end of the view) and, when the page is kept, its answers are summed up
  in a digest. Before a kept page is shown again, the same queries run again and must give
  the same digest: the same session, the same person, the same couple, the same entries.
  Anything that changes what the view would read (a new entry, a share or an unshare, a
  leave, a sign-out, a new key) changes some answer, so the page is made afresh.
- The request is the key: the person, the cookies (the session and the CSRF secret the
  page's forms were signed with), the full path and htmx's headers.
- The clock: a kept page is shown for at most `TENDING_PAGE_KEEP_SECONDS` (60) after it
  was made. So a page whose words depend on the time alone ("due now") is at most that
  late, as a page left open in the browser would be.
- Only quiet reads are kept: a GET answered 200 with HTML, no write of any kind in the
  request, no change to the session or cookies, and no message waiting to be shown.
- Each person's pages are kept in this process only, under their own session, for a
  minute at most; they are never written anywhere.

What the partner could learn from it (the timing of their own pages): a kept page is
faster, so a page's speed tells its reader whether anything it read has changed. The kept
pages' queries read what that person may see (`visible_to`), their own rows and the
couple's shared ones; the pair query leaves out each person's private account fields
(`couples.services`). A page whose queries read the partner's private rows is never kept
(closeness reads both sealed yes lists to find the shared ones). The test
`privacy/tests/test_kept_pages.py` holds this for every kind of object the sweep can make:
the partner's private doings leave every kept page of the other kept, and a page shown
again equals a fresh one. A page added here joins that test's list.

A page made while its reader's partner was unsharing something may keep what it showed at
that moment, for its minute: what a page left open in the browser would show too.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

HEARD = "_tending_heard_queries"
ONE_TIME = "_tending_one_time_tokens"
# Headers a page may depend on besides the path and the cookies: htmx's.
VARIES = ("HTTP_HX_REQUEST", "HTTP_HX_TARGET", "HTTP_HX_TRIGGER", "HTTP_HX_BOOSTED")
MAX_PAGES = 512
MAX_BYTES = 48 * 1024 * 1024

Query = tuple[str, Any]


def keep_seconds() -> int:
    return int(getattr(settings, "TENDING_PAGE_KEEP_SECONDS", 0))


@dataclass
class Heard:
    """The queries of one request, in order, and whether any of them wrote."""

    queries: list[Query] = field(default_factory=list)
    wrote: bool = False
    listening: bool = True

    @contextmanager
    def aside(self) -> Iterator[None]:
        """Queries run to check a kept page are not the page's own: not heard."""
        self.listening = False
        try:
            yield
        finally:
            self.listening = True

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        if not self.listening:
            return execute(sql, params, many, context)
        # A read starts with SELECT, or with "(SELECT" where PostgreSQL's UNION puts its
        # parts in parentheses; anything else (a savepoint, a WITH that may write) counts
        # as a write, and a request that wrote is never kept.
        if many or sql.lstrip(" \t\n(")[:6].upper() != "SELECT":
            self.wrote = True
        else:
            self.queries.append((sql, tuple(params) if params is not None else None))
        return execute(sql, params, many, context)


class QueryRecordingMiddleware:
    """Hears every query of a GET, from before the session is read, for `kept_briefly`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "GET" or keep_seconds() <= 0:
            return self.get_response(request)
        heard = Heard()
        setattr(request, HEARD, heard)
        with connection.execute_wrapper(heard):
            return self.get_response(request)


@dataclass(frozen=True)
class Page:
    made_at: datetime
    queries: tuple[Query, ...]
    digest: bytes
    status: int
    headers: tuple[tuple[str, str], ...]
    content: bytes
    one_time: tuple[str, ...] = ()

    def response(self) -> HttpResponse:
        content = self.content
        for token in self.one_time:
            content = content.replace(token.encode(), str(uuid.uuid4()).encode())
        response = HttpResponse(content, status=self.status)
        for name, value in self.headers:
            response[name] = value
        return response


class _Shelf:
    """The kept pages of this process, the oldest let go first."""

    def __init__(self) -> None:
        self._pages: OrderedDict[tuple[Any, ...], Page] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> Page | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: tuple[Any, ...], page: Page, now: datetime) -> None:
        with self._lock:
            self._drop(key)
            self._pages[key] = page
            self._bytes += len(page.content)
            too_old = now - timedelta(seconds=keep_seconds())
            for old_key in [k for k, p in self._pages.items() if p.made_at < too_old]:
                self._drop(old_key)
            while len(self._pages) > MAX_PAGES or self._bytes > MAX_BYTES:
                self._drop(next(iter(self._pages)))

    def forget(self, key: tuple[Any, ...]) -> None:
        with self._lock:
            self._drop(key)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._pages)

    def _drop(self, key: tuple[Any, ...]) -> None:
        page = self._pages.pop(key, None)
        if page is not None:
            self._bytes -= len(page.content)


shelf = _Shelf()
# How often a kept page was shown again, for tests and benchmarks (never per person).
shown_again = 0


def digest(queries: Sequence[Query]) -> bytes:
    """What the queries answer now, summed up: the same rows in the same order give the same
    digest. Each answer is summed by Python's own hash of its rows (keyed afresh in every
    process, as kept pages are; a page is only ever compared within its process), which
    costs a fiftieth of writing the rows out; rows that can't be hashed are written out."""
    summed = hashlib.blake2b(digest_size=20)
    with connection.cursor() as cursor:
        for sql, params in queries:
            cursor.execute(sql, params)
            rows = cursor.fetchall() if cursor.description else None
            summed.update(_summed(rows))
    return summed.digest()


def _still_the_same(page: Page) -> bool:
    try:
        if connection.in_atomic_block:  # a failed query mustn't spoil the transaction
            with transaction.atomic():
                return digest(page.queries) == page.digest
        return digest(page.queries) == page.digest
    except DatabaseError:  # a query that can't run again (the schema moved on, say)
        return False


def _summed(rows: Any) -> bytes:
    if not rows:
        return repr(rows).encode() + b"\x00"
    try:
        return b"%d:%d\x00" % (len(rows), hash(tuple(rows)))
    except TypeError:  # a value that can't be hashed (a parsed JSON list, say)
        plain = [tuple(bytes(v) if isinstance(v, memoryview) else v for v in r) for r in rows]
        return repr(plain).encode() + b"\x00"


def one_time_token(request: HttpRequest) -> uuid.UUID:
    """A token a form sends back once, so that a second send of the same form is known for
    what it is. A kept page shown again gets new ones: never the same token twice."""
    token = uuid.uuid4()
    tokens: list[str] = getattr(request, ONE_TIME, [])
    setattr(request, ONE_TIME, [*tokens, str(token)])
    return token


def _key(request: HttpRequest) -> tuple[Any, ...] | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    varies = tuple(request.META.get(name) for name in VARIES)
    return (user.pk, request.META.get("HTTP_COOKIE", ""), request.get_full_path(), varies)


def _messages_waiting(request: HttpRequest) -> bool:
    return hasattr(request, "_messages") and len(messages.get_messages(request)) > 0


def _same_csrf_secret(request: HttpRequest) -> bool:
    """The page's forms were signed with the secret the browser already holds (not a new
    one this response would hand out)."""
    secret = request.META.get("CSRF_COOKIE")
    return secret is None or secret == request.COOKIES.get(settings.CSRF_COOKIE_NAME)


def _may_keep(request: HttpRequest, response: HttpResponse, heard: Heard) -> bool:
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and response.get("Content-Type", "").startswith("text/html")
        and not response.cookies
        and not heard.wrote
        and not (session is not None and session.modified)
        and _same_csrf_secret(request)
        and not _messages_waiting(request)
    )


def kept_briefly(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve this view's page again, unchanged, while nothing it read has changed (above)."""

    @wraps(view)
    def keeping(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        global shown_again
        heard: Heard | None = getattr(request, HEARD, None)
        key = _key(request) if heard is not None else None
        if heard is None or key is None or _messages_waiting(request):
            return view(request, *args, **kwargs)
        now = timezone.now()
        page = shelf.get(key)
        if page is not None:
            # Within its minute, and never past midnight where the reader lives (the
            # middleware made their zone current): a page says what day it is.
            fresh = page.made_at <= now <= page.made_at + timedelta(
                seconds=keep_seconds()
            ) and timezone.localdate(page.made_at) == timezone.localdate(now)
            with heard.aside():
                same = fresh and not heard.wrote and _still_the_same(page)
            if same:
                shown_again += 1
                if "CSRF_COOKIE" in request.META:
                    get_token(request)  # renews the cookie's expiry, as the page did
                return page.response()
            shelf.forget(key)
        response = view(request, *args, **kwargs)
        render = getattr(response, "render", None)
        if render is not None and not getattr(response, "is_rendered", True):
            response = render()
        if _may_keep(request, response, heard):
            queries = tuple(heard.queries)
            with heard.aside():
                summed = digest(queries)
            shelf.put(
                key,
                Page(
                    made_at=now,
                    queries=queries,
                    digest=summed,
                    status=response.status_code,
                    headers=tuple(response.items()),
                    content=response.content,
                    one_time=tuple(getattr(request, ONE_TIME, ())),
                ),
                now,
            )
        return response

    return keeping
