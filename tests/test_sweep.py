"""The authorization sweep: every URL, every persona, no test to write per URL.

It walks every URL pattern of the project (includes and namespaces too; what to register
for a new URL is explained in tests/sweep_registry.py) and proves:

- the inventory is covered: each public view is in the allow-list ``PUBLIC`` and each
  allow-listed view is public; each URL kwarg has a factory (otherwise: "add a factory
  for <kwarg> used by <url name>"); no factory is stale; every pattern is reachable;
- an anonymous visitor is sent to sign-in with ``next=``, for GET and POST, on every
  non-public URL, and nothing in the database changes;
- public URLs never fail (no 5xx) for anyone, and a value that names nothing gets the
  plain message;
- a signed-in person's pages (and their htmx fragments) never name people outside their
  own couple, and never bounce them to sign-in;
- on URLs that name an object, people outside the owner's couple (and the partner, for
  private objects) get 404, the very same page as for an object that doesn't exist, for
  GET and POST, plain and htmx, and the database is unchanged; the partner may read a
  shared object but a POST of theirs changes nothing; the owner is not refused, which
  proves the 404s come from ownership and not from a broken URL;
- the admin is not mounted unless TENDING_ADMIN is set, and is staff-only when it is
  (run with TENDING_ADMIN=1 to sweep it).

The meta-tests at the end add URLs the sweep doesn't know and views that leak, and prove
that the sweep reports them: a sweep that can't fail would be worse than none.
"""

from __future__ import annotations

import copy
import functools
import html
import itertools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import timedelta
from types import ModuleType
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote, urlencode
from uuid import UUID

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, include, path, re_path, resolve
from django.urls.exceptions import Resolver404
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern
from django.utils import timezone

from accounts.models import SignedInSession
from conftest import Cast, Persona, make_user, ring, signed_in
from couples.models import Invite
from notes import services as notes
from notes.models import Note
from privacy import entries
from tests.sweep_registry import (
    ADMIN_PLACEHOLDERS,
    ADMIN_PUBLIC,
    FACTORIES,
    PARAMETERS,
    PUBLIC,
    Making,
    ObjectFactory,
    PersonaName,
    Visibility,
)

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

Method = Literal["GET", "POST"]
# The same request as htmx sends it: views may answer it with a smaller template.
Request = Method | Literal["htmx GET", "htmx POST"]
Viewer = PersonaName | Literal["anonymous"]

METHODS: tuple[Method, ...] = ("GET", "POST")
REQUESTS: tuple[Request, ...] = ("GET", "POST", "htmx GET", "htmx POST")
PERSONAS: tuple[PersonaName, ...] = ("alice", "bob", "carol", "dan", "erin")
VIEWERS: tuple[Viewer, ...] = ("anonymous", *PERSONAS)
# The couples of conftest.py, written out so the sweep doesn't trust the code it checks.
PARTNER: Mapping[PersonaName, PersonaName | None] = {
    "alice": "bob",
    "bob": "alice",
    "carol": "dan",
    "dan": "carol",
    "erin": None,
}
# What reverse() leaves unquoted in a path.
_PATH_SAFE = "!$&'()*+,;=/~:@"


# --- The URL inventory -------------------------------------------------------------------


@dataclass(frozen=True)
class Kwarg:
    name: str
    converter: str  # "uuid", "str", ... for path(); "regex" for re_path()


@dataclass(frozen=True)
class Endpoint:
    """One URL pattern, with everything from the includes above it."""

    name: str  # "couples:withdraw"; an unnamed pattern is "namespace:<its route>"
    route: str  # as Django's ResolverMatch.route reports it
    kwargs: tuple[Kwarg, ...]
    callback: Callable[..., Any]
    segments: tuple[RoutePattern | RegexPattern | LocalePrefixPattern, ...]

    def __str__(self) -> str:
        return self.name

    @property
    def public(self) -> bool:
        # Exactly LoginRequiredMiddleware's own test.
        return not getattr(self.callback, "login_required", True)

    @property
    def admin(self) -> bool:
        return self.name.split(":", 1)[0] == "admin"

    @property
    def objects(self) -> tuple[Kwarg, ...]:
        """The kwargs that name an object (plain parameters such as a month don't)."""
        return tuple(k for k in self.kwargs if self.admin or k.name not in PARAMETERS)

    @property
    def params(self) -> tuple[Kwarg, ...]:
        return tuple(k for k in self.kwargs if not self.admin and k.name in PARAMETERS)

    def path(self, values: Mapping[str, object]) -> str:
        """The URL for these kwarg values, checked to resolve back to this very pattern."""
        parts = []
        for segment in self.segments:
            if isinstance(segment, RoutePattern):
                parts.append(_fill_route(str(segment), segment.converters, values))
            elif isinstance(segment, RegexPattern):
                parts.append(_fill_regex(str(segment), values))
            else:
                parts.append(segment.language_prefix)
        url = "/" + quote("".join(parts), safe=_PATH_SAFE)
        try:
            match = resolve(url)
        except Resolver404:
            raise AssertionError(f"the sweep built {url} for {self}, but it doesn't resolve")
        assert match.func is self.callback and match.route == self.route, (
            f"the sweep built {url} for {self}, but it resolves to {match.view_name} "
            f"({match.route}); give the pattern a route the sweep can fill in"
        )
        return url


_ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _fill_route(route: str, converters: Mapping[str, Any], values: Mapping[str, object]) -> str:
    def fill(match: re.Match[str]) -> str:
        return str(converters[match["name"]].to_url(values[match["name"]]))

    return _ROUTE_PARAMETER.sub(fill, route)


def _fill_regex(regex: str, values: Mapping[str, object]) -> str:
    """Replace each named group by its value; good enough for plain routes, and checked."""
    out: list[str] = []
    i = 0
    while i < len(regex):
        if regex.startswith("(?P<", i):
            name = regex[i + 4 : regex.index(">", i)]
            depth, j = 0, i
            while True:
                if regex[j] == "\\":
                    j += 2
                    continue
                depth += {"(": 1, ")": -1}.get(regex[j], 0)
                if depth == 0:
                    break
                j += 1
            out.append(str(values[name]))
            i = j + 1
        elif regex[i] == "\\":
            out.append(regex[i + 1])
            i += 2
        else:
            out.append(regex[i])
            i += 1
    return "".join(out).removeprefix("^").removesuffix("$")


def _kwargs_of(segment: RoutePattern | RegexPattern | LocalePrefixPattern) -> list[Kwarg]:
    if isinstance(segment, RoutePattern):
        return [
            Kwarg(m["name"], m["converter"] or "str")
            for m in _ROUTE_PARAMETER.finditer(str(segment))
        ]
    if isinstance(segment, RegexPattern):
        groups = sorted(segment.regex.groupindex.items(), key=lambda item: item[1])
        return [Kwarg(name, "regex") for name, _ in groups]
    return []


def _join_route(first: str, second: str) -> str:
    # As URLResolver._join_route: the ^ of every route but the first is dropped.
    return second if not first else first + second.removeprefix("^")


def _walk(
    patterns: Sequence[URLPattern | URLResolver],
    namespaces: tuple[str, ...],
    segments: tuple[RoutePattern | RegexPattern | LocalePrefixPattern, ...],
    route: str,
) -> Iterator[Endpoint]:
    for entry in patterns:
        here = _join_route(route, str(entry.pattern))
        if isinstance(entry, URLResolver):
            inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from _walk(entry.url_patterns, inner, (*segments, entry.pattern), here)
        elif isinstance(entry, URLPattern):
            all_segments = (*segments, entry.pattern)
            name = ":".join((*namespaces, entry.name or f"<{here}>"))
            kwargs = tuple(k for segment in all_segments for k in _kwargs_of(segment))
            yield Endpoint(name, here, kwargs, entry.callback, all_segments)
        else:  # pragma: no cover - Django has no third kind today
            raise AssertionError(f"the sweep doesn't know this kind of URL entry: {entry!r}")


def find_endpoints() -> list[Endpoint]:
    """Every URL pattern of the current ROOT_URLCONF; nothing is left out."""
    return list(_walk(get_resolver().url_patterns, (), (), ""))


def coverage_problems(endpoints: Sequence[Endpoint], public: frozenset[str] = PUBLIC) -> list[str]:
    """What the sweep can't cover, in words that say what to do about it."""
    problems = []
    if any(endpoint.admin for endpoint in endpoints):
        public = public | ADMIN_PUBLIC
    for endpoint in endpoints:
        if endpoint.public and endpoint.name not in public:
            problems.append(
                f"{endpoint} ({endpoint.route}) is public (login_not_required) but not in "
                "PUBLIC in tests/sweep_registry.py; add it there only if anyone may open it"
            )
        for kwarg in endpoint.objects:
            if endpoint.admin and kwarg.name not in ADMIN_PLACEHOLDERS:
                problems.append(f"add an admin placeholder for {kwarg.name} used by {endpoint}")
            elif not endpoint.admin and not factories_for(endpoint, kwarg.name):
                problems.append(f"add a factory for {kwarg.name} used by {endpoint}")
    # A stale registry hides mistakes: every factory must still be used where it says.
    used = {(e.name, k.name) for e in endpoints if not e.admin for k in e.objects}
    for kwarg_name, factories in FACTORIES.items():
        for factory in factories:
            wanted = factory.urls or {e for e, k in used if k == kwarg_name}
            for name in sorted(wanted):
                if (name, kwarg_name) not in used:
                    problems.append(
                        f"the {factory.label} factory for {kwarg_name} names {name}, "
                        f"but {name} has no {kwarg_name}; update tests/sweep_registry.py"
                    )
            if not wanted:
                problems.append(f"no URL uses {kwarg_name}; remove its factories")
    for name in sorted(public):
        named = [endpoint for endpoint in endpoints if endpoint.name == name]
        if not named:
            problems.append(f"{name} is in PUBLIC but no URL has that name")
        elif not all(endpoint.public for endpoint in named):
            problems.append(f"{name} is in PUBLIC but requires sign-in; remove it from PUBLIC")
    return list(dict.fromkeys(problems))


# --- Objects, personas and the database -------------------------------------------------

Variant = tuple[ObjectFactory, ...]  # one factory per kwarg of an endpoint, in order


def factories_for(endpoint: Endpoint, kwarg: str) -> tuple[ObjectFactory, ...]:
    return tuple(
        factory
        for factory in FACTORIES.get(kwarg, ())
        if factory.urls is None or endpoint.name in factory.urls
    )


def missing_factories(endpoint: Endpoint) -> list[str]:
    return [k.name for k in endpoint.objects if not factories_for(endpoint, k.name)]


def variants_of(endpoint: Endpoint) -> list[Variant | None]:
    """Every combination of the registered factories for the endpoint's kwargs.

    None stands for "a kwarg has no factory": the case still runs, and fails saying so.
    """
    if endpoint.admin or not endpoint.objects:
        return [()]
    if missing_factories(endpoint):
        return [None]
    return list(itertools.product(*(factories_for(endpoint, k.name) for k in endpoint.objects)))


def variant_label(variant: Variant | None) -> str:
    if variant is None:
        return "no-factory"
    return "+".join(dict.fromkeys(factory.label for factory in variant)) or "-"


def require(endpoint: Endpoint, variant: Variant | None) -> Variant:
    if variant is None:
        missing = ", ".join(missing_factories(endpoint))
        pytest.fail(f"add a factory for {missing} used by {endpoint}")
    return variant


def make_values(cast: Cast | None, endpoint: Endpoint, variant: Variant) -> dict[str, object]:
    if endpoint.admin:
        return {kwarg.name: ADMIN_PLACEHOLDERS[kwarg.name] for kwarg in endpoint.kwargs}
    values = parameter_values(endpoint)
    assert cast is not None or not endpoint.objects, "objects are made for the personas"
    for kwarg, factory in zip(endpoint.objects, variant, strict=True):
        assert cast is not None
        owner = persona(cast, factory.owner)
        values[kwarg.name] = factory.make(Making(cast, owner, dict(values)))
    return values


def parameter_values(endpoint: Endpoint) -> dict[str, object]:
    return {k.name: PARAMETERS[k.name]() for k in endpoint.params}


def unknown_values(endpoint: Endpoint, variant: Variant) -> dict[str, object]:
    unknown = {k.name: f.unknown() for k, f in zip(endpoint.objects, variant, strict=True)}
    return {**parameter_values(endpoint), **unknown}


@dataclass(frozen=True)
class Access:
    """Who made the object(s) a URL names, and who else may reach them."""

    owner: PersonaName
    visibility: Visibility
    partner_may_change: bool

    def role_of(self, viewer: PersonaName) -> Literal["owner", "reader", "stranger"]:
        if viewer == self.owner:
            return "owner"
        if self.visibility is Visibility.SHARED and PARTNER[self.owner] == viewer:
            return "reader"
        return "stranger"


def access_of(endpoint: Endpoint, variant: Variant) -> Access:
    owners = {factory.owner for factory in variant}
    assert len(owners) == 1, (
        f"the factories for {endpoint} have different owners ({', '.join(sorted(owners))}); "
        "make each kwarg's object belong to the same persona"
    )
    shared = all(factory.visibility is Visibility.SHARED for factory in variant)
    return Access(
        owner=owners.pop(),
        visibility=Visibility.SHARED if shared else Visibility.PRIVATE,
        partner_may_change=all(factory.partner_may_change for factory in variant),
    )


def persona(cast: Cast, name: PersonaName) -> Persona:
    found: Persona = getattr(cast, name)
    return found


def client_of(cast: Cast, viewer: Viewer) -> Client:
    return cast.anonymous if viewer == "anonymous" else persona(cast, viewer).client


def send(client: Client, request: Request, url: str) -> Response:
    # The test client doesn't enforce CSRF, so a POST reaches the view itself.
    headers = {"HX-Request": "true"} if request.startswith("htmx ") else {}
    if request.endswith("GET"):
        return client.get(url, headers=headers)
    return client.post(url, headers=headers)


# Bookkeeping a request keeps about its own session, like the session row itself: when the
# requester's sign-in was last seen (moved on at most once a minute).
SESSION_BOOKKEEPING = {"accounts.SignedInSession": {"last_seen"}}


def database_snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, as stored, but sessions and their bookkeeping (a request may
    touch its own session). Read with one plain SELECT per table (built once): this runs
    before and after every request of the sweep, where the ORM's query building cost more
    than the requests themselves. Values are compared as stored (ciphertext included), so a
    write that only re-encrypts the same words counts as a change too."""
    with connection.cursor() as cursor:
        snapshot = {}
        for label, sql in _snapshot_queries():
            cursor.execute(sql)
            snapshot[label] = cursor.fetchall()
    return snapshot


@functools.cache
def _snapshot_queries() -> tuple[tuple[str, str], ...]:
    """SELECT every stored column but the bookkeeping, in primary-key order, per model."""
    quote = connection.ops.quote_name
    queries = []
    for model in apps.get_models():
        if model is Session:
            continue
        skipped = SESSION_BOOKKEEPING.get(model._meta.label, set())
        columns = [
            quote(str(field.column))
            for field in model._meta.concrete_fields
            if field.name not in skipped
        ]
        table, pk = quote(model._meta.db_table), quote(str(model._meta.pk.column))
        queries.append(
            (model._meta.label, f"SELECT {', '.join(columns)} FROM {table} ORDER BY {pk}")
        )
    return tuple(queries)


def text_of(response: Response) -> str:
    return html.unescape(response.content.decode(errors="replace"))


def masked(response: Response, values: Mapping[str, object]) -> tuple[int, str]:
    """Status and page with the URL's own values blanked out, to compare two responses."""
    text = text_of(response)
    for value in values.values():
        text = text.replace(str(value), "<value>")
    return response.status_code, text


def strangers_of(viewer: Viewer) -> list[PersonaName]:
    if viewer == "anonymous":
        return list(PERSONAS)
    return [name for name in PERSONAS if name not in (viewer, PARTNER[viewer])]


def assert_no_strangers(cast: Cast, viewer: Viewer, response: Response, where: str) -> None:
    text = text_of(response)
    for name in strangers_of(viewer):
        user = persona(cast, name).user
        assert not re.search(rf"\b{re.escape(user.display_name)}\b", text), (
            f"{where} shows {viewer} the name of {user.display_name}, who isn't in their couple"
        )
        assert user.email.lower() not in text.lower(), (
            f"{where} shows {viewer} the email address of {user.display_name}"
        )


# --- The checks, as functions so the meta-tests can prove that each one can fail ---------


def sign_in_url_for(endpoint: Endpoint) -> str:
    # The admin's own views declare the admin's sign-in page; everything else uses ours.
    declared = getattr(endpoint.callback, "login_url", None) if endpoint.admin else None
    return resolve_url(declared or settings.LOGIN_URL)


def check_anonymous(cast: Cast | None, endpoint: Endpoint, method: Method) -> None:
    variant = require(endpoint, variants_of(endpoint)[0])
    url = endpoint.path(make_values(cast, endpoint, variant))
    before = database_snapshot()
    response = send(Client(), method, url)
    expected = f"{sign_in_url_for(endpoint)}?{urlencode({'next': url}, safe='/')}"
    assert response.status_code == 302, (
        f"anonymous {method} {url} ({endpoint}) got {response.status_code}, not sign-in"
    )
    assert response["Location"] == expected, (
        f"anonymous {method} {url} ({endpoint}) went to {response['Location']}, not {expected}"
    )
    assert database_snapshot() == before, f"anonymous {method} {url} changed the database"


def check_public(cast: Cast, endpoint: Endpoint, variant: Variant, viewer: Viewer) -> None:
    client = client_of(cast, viewer)
    values = make_values(cast, endpoint, variant)
    url = endpoint.path(values)
    for method in METHODS:
        response = send(client, method, url)
        assert response.status_code < 500, f"{viewer}: {method} {url} failed"
        if method == "GET" and not endpoint.objects:
            assert_no_strangers(cast, viewer, response, f"{url} ({endpoint})")
    if not endpoint.objects:
        return
    # A value that names nothing: no failure, and the plain words when the factory has some.
    nothing = endpoint.path(unknown_values(endpoint, variant))
    for method in METHODS:
        response = send(client, method, nothing)
        assert response.status_code < 500, f"{viewer}: {method} {nothing} failed"
    for factory in variant:
        if factory.unknown_message:
            assert factory.unknown_message in text_of(client.get(nothing)), (
                f"{viewer}: {nothing} ({endpoint}) doesn't say {factory.unknown_message!r}"
            )
            # ...and the real value is not refused: the factory made something that works.
            assert factory.unknown_message not in text_of(client.get(url)), (
                f"{viewer}: {url} ({endpoint}) refuses the object the factory made"
            )


# `./tend start` collects static files, the admin's too, before serving; a test run
# uses whatever staticfiles/ holds, so the admin's pages read theirs from the apps.
ADMIN_STATIC = override_settings(
    STORAGES={
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
)


@ADMIN_STATIC
def check_staff_only(cast: Cast, endpoint: Endpoint, viewer: PersonaName) -> None:
    """Every admin view turns a signed-in non-staff person back to the admin's sign-in."""
    client = client_of(cast, viewer)
    url = endpoint.path(make_values(cast, endpoint, ()))
    admin_root = resolve_url("admin:index")
    for method in METHODS:
        before = database_snapshot()
        response = send(client, method, url)
        if endpoint.name in ADMIN_PUBLIC:
            assert response.status_code < 500, f"{viewer}: {method} {url} failed"
            continue
        assert response.status_code == 302, (
            f"{viewer} (not staff): {method} {url} ({endpoint}) got {response.status_code}"
        )
        assert response["Location"].startswith(admin_root), (
            f"{viewer} (not staff): {method} {url} went to {response['Location']}"
        )
        assert database_snapshot() == before, f"{viewer}: {method} {url} changed the database"


def check_page(cast: Cast, endpoint: Endpoint, viewer: PersonaName) -> None:
    if endpoint.admin:
        check_staff_only(cast, endpoint, viewer)
        return
    url = endpoint.path(parameter_values(endpoint))
    for request in ("GET", "htmx GET"):
        response = send(persona(cast, viewer).client, request, url)
        assert response.status_code < 500, f"{viewer}: {request} {url} ({endpoint}) failed"
        where = f"{request} {url} ({endpoint})"
        assert_not_sent_to_sign_in(viewer, response, where)
        assert_no_strangers(cast, viewer, response, where)


def assert_not_sent_to_sign_in(viewer: Viewer, response: Response, where: str) -> None:
    # A signed-in person bounced to sign-in would make every check after it vacuous.
    sign_in = resolve_url(settings.LOGIN_URL)
    location = response.get("Location", "")
    assert not location.startswith(sign_in), f"{viewer} was sent to sign in from {where}"


def check_object_access(
    cast: Cast, endpoint: Endpoint, variant: Variant | None, viewer: PersonaName
) -> None:
    if endpoint.admin:
        check_staff_only(cast, endpoint, viewer)
        return
    variant = require(endpoint, variant)
    access = access_of(endpoint, variant)
    values = make_values(cast, endpoint, variant)
    url = endpoint.path(values)
    client = persona(cast, viewer).client
    where = f"{url} ({endpoint}, made by {access.owner}, for {access.visibility.value})"
    shown = [factory.shown_text for factory in variant if factory.shown_text]
    role = access.role_of(viewer)

    if role in ("owner", "reader"):
        response = client.get(url)
        assert response.status_code < 500, f"{viewer}: GET {where} failed"
        if response.status_code != 405:  # 405: a POST-only URL, nothing to read
            assert response.status_code != 404, f"{viewer} may see {where}, but got 404"
            assert_not_sent_to_sign_in(viewer, response, where)
            assert_no_strangers(cast, viewer, response, where)
            if response.status_code == 200:
                for words in shown:
                    assert words in text_of(response), f"{viewer} can't see {words!r} on {where}"
        if role == "owner":
            if response.status_code == 405:  # the owner's POST must get through
                response = client.post(url)
                assert response.status_code < 500, f"{viewer}: POST {where} failed"
                assert response.status_code not in (404, 405), (
                    f"{viewer} owns {where}, but POST got {response.status_code}"
                )
        elif not access.partner_may_change:  # a shared object is the partner's to read only
            before = database_snapshot()
            response = client.post(url)
            assert response.status_code < 500, f"{viewer}: POST {where} failed"
            assert database_snapshot() == before, (
                f"{viewer}, the partner, changed {where} with a POST ({response.status_code})"
            )
        return

    # Not theirs: 404, the same page as for something that doesn't exist, and no change.
    unknown_kwargs = unknown_values(endpoint, variant)
    nothing = endpoint.path(unknown_kwargs)
    refused = []
    for method in REQUESTS:
        before = database_snapshot()
        response = send(client, method, url)
        assert database_snapshot() == before, f"{viewer}: {method} {where} changed the database"
        assert response.status_code in (404, 405), (
            f"{viewer}: {method} {where} got {response.status_code}, not 404"
        )
        for words in shown:
            assert words not in text_of(response), f"{viewer}: {method} {where} shows {words!r}"
        unknown = send(client, method, nothing)
        assert masked(response, values) == masked(unknown, unknown_kwargs), (
            f"{viewer}: {method} {where} differs from the answer for something that doesn't "
            "exist, so it tells that the object exists"
        )
        if response.status_code == 404:
            refused.append(method)
    # 405 for a method the view never takes is fine, but one method must reach the lookup.
    assert refused, f"{where} takes neither GET nor POST; teach the sweep its method"


# --- The sweep over the real URLs --------------------------------------------------------

ENDPOINTS = find_endpoints()
PUBLIC_ENDPOINTS = [e for e in ENDPOINTS if e.public]
PRIVATE_ENDPOINTS = [e for e in ENDPOINTS if not e.public]


def test_every_url_is_covered() -> None:
    problems = coverage_problems(find_endpoints())
    assert not problems, "\n".join(problems)


def test_the_sweep_sees_every_app() -> None:
    # A sanity floor, so an enumeration bug can't make the sweep pass by finding nothing.
    names = {endpoint.name for endpoint in ENDPOINTS}
    assert {"accounts:sign_in", "couples:withdraw", "couples:join_link"} <= names
    assert "django.contrib.auth.middleware.LoginRequiredMiddleware" in settings.MIDDLEWARE


def test_admin_is_mounted_only_when_enabled(db: None) -> None:
    admin = [endpoint for endpoint in ENDPOINTS if endpoint.admin]
    if not settings.ADMIN_ENABLED:
        assert not admin, f"the admin is mounted without TENDING_ADMIN: {admin}"
        return
    assert admin, "TENDING_ADMIN is set, but the sweep found no admin URLs"
    # The positive control for check_staff_only: staff do get in.
    staff = make_user("Operator")
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    with ADMIN_STATIC:
        assert signed_in(staff).get(resolve_url("admin:index")).status_code == 200


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("endpoint", PRIVATE_ENDPOINTS, ids=str)
def test_anonymous_is_sent_to_sign_in(
    request: pytest.FixtureRequest, db: None, endpoint: Endpoint, method: Method
) -> None:
    # The personas (slow: real keys) are made only when there's an object to name.
    needs_cast = bool(endpoint.objects) and not endpoint.admin
    cast: Cast | None = request.getfixturevalue("cast") if needs_cast else None
    check_anonymous(cast, endpoint, method)


def each_viewer[V: str](cast: Cast, viewers: Sequence[V], check: Callable[[Cast, V], None]) -> None:
    """Run `check` for every viewer as if each had a test of their own, and report them all.

    Each viewer's check runs in a savepoint that is rolled back, with fresh copies of the
    personas and clients, so nothing one viewer does (an owner's POST, objects the
    factories make) is seen by the next; the cast itself is made once for the URL.
    """
    failures = []
    for viewer in viewers:
        try:
            with transaction.atomic():
                check(fresh(cast), viewer)
                transaction.set_rollback(True)
        except AssertionError as failure:
            failures.append(f"[{viewer}] {failure}")
    if failures:
        pytest.fail("\n\n".join(failures), pytrace=False)


def fresh(cast: Cast) -> Cast:
    """The same personas with their own copies of users and clients (same cookies)."""

    def again(person: Persona) -> Persona:
        client = Client()
        client.cookies = copy.deepcopy(person.client.cookies)
        return Persona(copy.deepcopy(person.user), client)

    return Cast(anonymous=Client(), **{name: again(persona(cast, name)) for name in PERSONAS})


@pytest.mark.parametrize(
    ("endpoint", "variant"),
    [
        pytest.param(e, v, id=f"{e}-{variant_label(v)}" if e.objects else str(e))
        for e in PUBLIC_ENDPOINTS
        for v in variants_of(e)
    ],
)
def test_public_url_never_fails(cast: Cast, endpoint: Endpoint, variant: Variant | None) -> None:
    def check(cast: Cast, viewer: Viewer) -> None:
        with ADMIN_STATIC if endpoint.admin else nullcontext():
            check_public(cast, endpoint, require(endpoint, variant), viewer)

    each_viewer(cast, VIEWERS, check)


@pytest.mark.parametrize("endpoint", [e for e in PRIVATE_ENDPOINTS if not e.objects], ids=str)
def test_pages_show_only_your_own_couple(cast: Cast, endpoint: Endpoint) -> None:
    each_viewer(cast, PERSONAS, lambda cast, viewer: check_page(cast, endpoint, viewer))


@pytest.mark.parametrize(
    ("endpoint", "variant"),
    [
        pytest.param(e, v, id=f"{e}-{variant_label(v)}")
        for e in PRIVATE_ENDPOINTS
        if e.objects
        for v in variants_of(e)
    ],
)
def test_objects_are_only_for_their_owners(
    cast: Cast, endpoint: Endpoint, variant: Variant | None
) -> None:
    each_viewer(
        cast, PERSONAS, lambda cast, viewer: check_object_access(cast, endpoint, variant, viewer)
    )


# --- Meta-tests: the sweep reports what it can't cover, and catches what leaks -----------


def _ok(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("ok")


@login_not_required
def _open_door(request: HttpRequest) -> HttpResponse:
    return HttpResponse("anyone may look")


def _leaky_invite(request: HttpRequest, invite_id: UUID) -> HttpResponse:
    # Deliberately wrong: fetches by id alone, with no ownership check.
    invite = Invite.objects.filter(pk=invite_id).select_related("created_by").first()
    if invite is None:
        raise Http404
    return HttpResponse(f"An invitation from {invite.created_by.display_name}")


def _sneaky_invite(request: HttpRequest, invite_id: UUID) -> HttpResponse:
    # Deliberately wrong: refuses with the right 404, but only after writing to the row.
    Invite.objects.filter(pk=invite_id).update(revoked_at=timezone.now())
    raise Http404


def _gossip(request: HttpRequest) -> HttpResponse:
    return HttpResponse("<p>Carol and Dan had a hard week.</p>")


def urlconf_with(*extra: URLPattern | URLResolver) -> ModuleType:
    """The real URLs, plus `extra` under /sweep-meta/ in the namespace sweep_meta."""
    module = ModuleType("sweep_meta_urls")
    module.urlpatterns = [  # type: ignore[attr-defined]
        path("", include("tending.urls")),
        path("sweep-meta/", include((list(extra), "sweep_meta"))),
    ]
    return module


def endpoint_named(name: str) -> Endpoint:
    return next(endpoint for endpoint in find_endpoints() if endpoint.name == name)


def test_a_new_url_without_a_factory_fails_the_sweep() -> None:
    urlconf = urlconf_with(path("mystery/<int:mystery_id>/", _ok, name="mystery"))
    with override_settings(ROOT_URLCONF=urlconf):
        problems = coverage_problems(find_endpoints())
        mystery = endpoint_named("sweep_meta:mystery")
    assert problems == ["add a factory for mystery_id used by sweep_meta:mystery"]
    # ...and its own case fails too, naming the kwarg, instead of being skipped.
    with pytest.raises(pytest.fail.Exception, match="add a factory for mystery_id"):
        require(mystery, variants_of(mystery)[0])


def test_a_kwarg_name_with_another_meaning_fails_the_sweep() -> None:
    # "uidb64" has a factory, but only for the URL that said what its value is.
    urlconf = urlconf_with(path("peek/<str:uidb64>/", _ok, name="peek"))
    with override_settings(ROOT_URLCONF=urlconf):
        problems = coverage_problems(find_endpoints())
    assert problems == ["add a factory for uidb64 used by sweep_meta:peek"]


def test_a_factory_no_url_uses_fails_the_sweep() -> None:
    urlconf = ModuleType("sweep_meta_urls")
    urlconf.urlpatterns = [path("account/", include("accounts.urls"))]  # type: ignore[attr-defined]
    with override_settings(ROOT_URLCONF=urlconf):
        problems = coverage_problems(find_endpoints())
    assert "no URL uses invite_id; remove its factories" in problems
    assert "couples:join_link is in PUBLIC but no URL has that name" in problems


def test_a_public_view_missing_from_the_allow_list_fails_the_sweep() -> None:
    with override_settings(ROOT_URLCONF=urlconf_with(path("open/", _open_door, name="open"))):
        problems = coverage_problems(find_endpoints())
    assert len(problems) == 1
    assert problems[0].startswith("sweep_meta:open (sweep-meta/open/) is public")


def test_an_allow_listed_view_that_is_not_public_fails_the_sweep() -> None:
    problems = coverage_problems(ENDPOINTS, PUBLIC | {"couples:couple", "couples:gone"})
    assert problems == [
        "couples:couple is in PUBLIC but requires sign-in; remove it from PUBLIC",
        "couples:gone is in PUBLIC but no URL has that name",
    ]


def test_the_sweep_walks_nested_namespaces_regex_routes_and_unnamed_patterns() -> None:
    inner = [
        re_path(r"^day/(?P<day>[0-9]{4}-[0-9]{2}-[0-9]{2})/$", _ok, name="day"),
        path("plain/", _ok),
    ]
    urlconf = urlconf_with(path("<uuid:invite_id>/", include((inner, "inner"))))
    with override_settings(ROOT_URLCONF=urlconf):
        found = {endpoint.name: endpoint for endpoint in find_endpoints()}
        day = found["sweep_meta:inner:day"]
        plain = found["sweep_meta:inner:<sweep-meta/<uuid:invite_id>/plain/>"]
        invite_id = UUID(int=7)
        assert day.path({"invite_id": invite_id, "day": "2025-01-31"}) == (
            f"/sweep-meta/{invite_id}/day/2025-01-31/"
        )
        assert plain.path({"invite_id": invite_id}) == f"/sweep-meta/{invite_id}/plain/"
    assert day.kwargs == (Kwarg("invite_id", "uuid"), Kwarg("day", "regex"))
    assert {e.name for e in ENDPOINTS} < set(found)


def test_the_sweep_catches_an_object_view_without_an_ownership_check(cast: Cast) -> None:
    urlconf = urlconf_with(path("leak/<uuid:invite_id>/", _leaky_invite, name="leak"))
    with override_settings(ROOT_URLCONF=urlconf):
        leak = endpoint_named("sweep_meta:leak")
        check_object_access(cast, leak, variants_of(leak)[0], "alice")  # the owner: fine
        for viewer in ("bob", "carol", "erin"):
            with pytest.raises(AssertionError, match=f"{viewer}: GET .* got 200, not 404"):
                check_object_access(cast, leak, variants_of(leak)[0], viewer)


def test_the_sweep_catches_a_refusal_that_writes_first(cast: Cast) -> None:
    urlconf = urlconf_with(path("sneak/<uuid:invite_id>/", _sneaky_invite, name="sneak"))
    with override_settings(ROOT_URLCONF=urlconf):
        sneak = endpoint_named("sweep_meta:sneak")
        with pytest.raises(AssertionError, match=r"carol: GET .* changed the database"):
            check_object_access(cast, sneak, variants_of(sneak)[0], "carol")


def test_the_snapshot_sees_every_stored_change_but_the_own_session_bookkeeping(cast: Cast) -> None:
    """Rows are compared as stored: a new row, a changed date, and a ciphertext rewritten
    with the same words (fresh nonce) all count; the requester's last-seen stamp doesn't."""
    before = database_snapshot()
    SignedInSession.objects.update(last_seen=timezone.now() + timedelta(minutes=5))
    assert database_snapshot() == before
    note = notes.write_note(ring(cast.alice.user), "the same words", shared=False)
    made = database_snapshot()
    assert made != before
    entries.encrypt_into(note, ring(cast.alice.user), {"body": "the same words"})
    Note.objects.filter(pk=note.pk).update(body=note.body)
    rewritten = database_snapshot()
    assert rewritten != made
    Invite.objects.update(expires_at=timezone.now() + timedelta(days=9))
    assert database_snapshot() != rewritten


def test_the_sweep_catches_a_page_that_names_another_couple(cast: Cast) -> None:
    with override_settings(ROOT_URLCONF=urlconf_with(path("gossip/", _gossip, name="gossip"))):
        gossip = endpoint_named("sweep_meta:gossip")
        check_page(cast, gossip, "carol")  # her own couple: fine
        with pytest.raises(AssertionError, match="shows alice the name of Carol"):
            check_page(cast, gossip, "alice")


def test_the_sweep_catches_a_view_open_to_anonymous_visitors(db: None) -> None:
    urlconf = urlconf_with(path("open/", _open_door, name="open"))
    with override_settings(ROOT_URLCONF=urlconf), pytest.raises(AssertionError) as caught:
        check_anonymous(None, endpoint_named("sweep_meta:open"), "GET")
    assert "got 200, not sign-in" in str(caught.value)
