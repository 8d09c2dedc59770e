"""What one request looks up more than once, looked up once.

A page asks "who is my partner?" and "which keys do I hold?" from many services; each used
to run its own query. Inside a request (opened by `RequestScopeMiddleware`) such answers
are kept for the rest of that request, and every service that changes them forgets them.
Outside a request (the worker, tests calling services) nothing is kept, so nothing can be
stale there.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_kept: ContextVar[dict[tuple[object, ...], Any] | None] = ContextVar(
    "tending_request_scope", default=None
)


@contextmanager
def request_scope() -> Iterator[None]:
    token = _kept.set({})
    try:
        yield
    finally:
        _kept.reset(token)


@contextmanager
def one_call_scope() -> Iterator[None]:
    """For a service called outside a request (the worker, a test): what it looks up more
    than once is looked up once, for that call only. Inside a request, the request's own
    scope serves and this does nothing."""
    if _kept.get() is not None:
        yield
        return
    with request_scope():
        yield


def remembered[T](key: tuple[object, ...], look_up: Callable[[], T]) -> T:
    """`look_up()`, or what it gave earlier in this request for the same key."""
    kept = _kept.get()
    if kept is None:
        return look_up()
    if key not in kept:
        kept[key] = look_up()
    return kept[key]  # type: ignore[no-any-return]


def already_known(key: tuple[object, ...]) -> tuple[bool, Any]:
    """(True, the answer) when this request already looked `key` up; (False, None) if not."""
    kept = _kept.get()
    if kept is None or key not in kept:
        return False, None
    return True, kept[key]


def forget(kind: str) -> None:
    """Drop every kept answer of this kind (the first part of its key): it just changed."""
    kept = _kept.get()
    if kept:
        for key in [k for k in kept if k[0] == kind]:
            del kept[key]


def forgets[F: Callable[..., Any]](*kinds: str) -> Callable[[F], F]:
    """For a function that changes what these kinds of answers hold: once it has run (or
    failed), this request asks again."""

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return fn(*args, **kwargs)
            finally:
                for kind in kinds:
                    forget(kind)

        return wrapper  # type: ignore[return-value]

    return decorate
