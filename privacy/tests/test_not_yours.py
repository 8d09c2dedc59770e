"""A service's `PermissionError` becomes the same 404 as a missing entry, in one place
(privacy.middleware.NotYoursMiddleware), for every view."""

from __future__ import annotations

from django.core.handlers.exception import response_for_exception
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from privacy.middleware import NotYoursMiddleware


def _through(view_error: Exception) -> HttpResponse:
    middleware = NotYoursMiddleware(lambda request: HttpResponse("fine"))
    request = RequestFactory().get("/somewhere/")
    response = middleware.process_exception(request, view_error)
    assert response is not None
    return response


def test_permission_error_is_the_usual_404() -> None:
    refused = _through(PermissionError("Only the author can change a bid."))
    missing = _through_http404()
    assert refused.status_code == missing.status_code == 404
    assert refused.content == missing.content
    assert b"Only the author" not in refused.content


def _through_http404() -> HttpResponse:
    return response_for_exception(RequestFactory().get("/somewhere/"), Http404("Not found."))


def test_other_errors_pass_on() -> None:
    middleware = NotYoursMiddleware(lambda request: HttpResponse("fine"))
    request = RequestFactory().get("/")
    assert middleware.process_exception(request, ValueError("x")) is None
    assert middleware(request).content == b"fine"
