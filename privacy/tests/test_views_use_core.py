"""Views never fetch rows themselves: they go through privacy.access or service functions.

A static check over every views module of every app of ours (views.py, or any module in a
views/ package). It flags, with file:line:

- any use of a model manager, `X.objects.<anything>`, other than the access core's own
  `X.objects.visible_to(...)` and `X.objects.authored_by(...)`; so `.get(`, `.filter(`,
  `.all(`, `.exclude(`, `.raw(` and the like, on an entry model or on any model at all;
- `X._default_manager` and `X._base_manager`, which are the same thing by another name;
- `get_object_or_404(...)` and `get_list_or_404(...)`, however they are imported;
- raw SQL: `.cursor(` and `.raw(`.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR).resolve()
ALLOWED_MANAGER_CALLS = frozenset({"visible_to", "authored_by"})
MANAGERS = frozenset({"objects", "_default_manager", "_base_manager"})
SHORTCUTS = frozenset({"get_object_or_404", "get_list_or_404"})
RAW_SQL = frozenset({"cursor", "raw", "extra"})


class BareQueryFinder(ast.NodeVisitor):
    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.problems: list[str] = []
        self._aliases: set[str] = set()
        self._parents: dict[ast.AST, ast.AST] = {}

    def check(self, tree: ast.AST) -> list[str]:
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                self._parents[child] = node
        self.visit(tree)
        return self.problems

    def _flag(self, node: ast.AST, what: str) -> None:
        line = getattr(node, "lineno", 0)
        self.problems.append(f"{self.filename}:{line}: {what}")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr in MANAGERS:
            parent = self._parents.get(node)
            used_as = parent.attr if isinstance(parent, ast.Attribute) else None
            if node.attr != "objects" or used_as not in ALLOWED_MANAGER_CALLS:
                shown = f"{ast.unparse(node)}.{used_as}" if used_as else ast.unparse(node)
                self._flag(node, f"{shown}: go through privacy.access or a service function")
        elif node.attr in RAW_SQL and isinstance(self._parents.get(node), ast.Call):
            self._flag(node, f"{ast.unparse(node)}(): raw SQL in a view")
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = (
            func.id
            if isinstance(func, ast.Name)
            else func.attr
            if isinstance(func, ast.Attribute)
            else None
        )
        if name in SHORTCUTS or name in self._aliases:
            self._flag(node, f"{name}(): use privacy.access.visible_or_404 or own_or_404")
        self.generic_visit(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            if alias.name in SHORTCUTS and alias.asname:
                self._aliases.add(alias.asname)
                self._flag(node, f"{alias.name} imported as {alias.asname}")
        self.generic_visit(node)


def bare_queries(source: str, filename: str = "<source>") -> list[str]:
    return BareQueryFinder(filename).check(ast.parse(source, filename))


def our_apps() -> list[Path]:
    """Every installed app whose code lives in this project (not in a library)."""
    found = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(BASE_DIR) and ".venv" not in path.parts:
            found.append(path)
    return found


def views_modules() -> list[Path]:
    """Views, and the presenters that build their pages: moving code out of a view into its
    presenter does not take it out of the rule."""
    modules: list[Path] = []
    for app in our_apps():
        for name in ("views", "presenter", "presenters"):
            if (app / f"{name}.py").exists():
                modules.append(app / f"{name}.py")
            for package in app.rglob(name):
                if package.is_dir() and "tests" not in package.parts:
                    modules += sorted(package.rglob("*.py"))
    return sorted(set(modules))


def test_every_app_of_ours_is_found() -> None:
    names = {path.name for path in our_apps()}
    assert {"accounts", "couples", "privacy", "notes", "tending"} <= names
    assert set(settings.INSTALLED_APPS) >= names
    modules = {str(path.relative_to(BASE_DIR)) for path in views_modules()}
    expected = {f"{app}/views.py" for app in ("accounts", "couples", "privacy", "notes", "today")}
    expected |= {"conversations/presenters/room.py", "agreements/presenters/review.py"}
    expected |= {"checkins/presenters/day.py", "bids/presenters.py", "closeness/presenters.py"}
    expected |= {"measures/presenters.py", "insight/presenters.py"}
    assert expected <= modules


def test_no_view_fetches_rows_without_the_access_core() -> None:
    problems = []
    for path in views_modules():
        problems += bare_queries(path.read_text(), str(path.relative_to(BASE_DIR)))
    assert problems == [], "Views must go through privacy.access or services:\n" + "\n".join(
        problems
    )


# -- the checker itself ---------------------------------------------------------------------------


def test_the_checker_flags_bare_queries_with_their_line() -> None:
    source = """
from django.shortcuts import get_object_or_404, get_list_or_404 as many
from django import shortcuts
from django.db import connection

def view(request, pk):
    a = Note.objects.filter(author=request.user)
    b = Note.objects.get(pk=pk)
    c = Note.objects.all()
    d = Note.objects.exclude(visibility="private")
    e = get_object_or_404(Note, pk=pk)
    f = shortcuts.get_object_or_404(Note, pk=pk)
    g = Note._default_manager.filter(pk=pk)
    h = Note.objects
    i = User.objects.filter(email="x")
    j = Note.objects.select_related("author").get(pk=pk)
    k = Note.objects.raw("SELECT * FROM notes_note")
    with connection.cursor() as cursor:
        pass
    l = many(Note)
"""
    problems = bare_queries(source, "app/views.py")
    lines = sorted({int(p.split(":")[1]) for p in problems})
    assert lines == [2, *range(7, 19), 20]
    assert any(p.startswith("app/views.py:7: Note.objects.filter") for p in problems)
    assert any(p.startswith("app/views.py:11: get_object_or_404()") for p in problems)


def test_the_checker_lets_the_access_core_through() -> None:
    source = """
from privacy.access import visible_or_404, own_or_404

def view(request, pk):
    mine = Note.objects.visible_to(request.user)
    shown = Note.objects.visible_to(request.user).filter(pk=pk).first()
    own = Note.objects.authored_by(request.user).order_by("-created_at")
    note = visible_or_404(Note, request.user, pk)
    other = own_or_404(Note, request.user, pk)
    objects = {"a": 1}
    return services.recent_notes(ring)
"""
    assert bare_queries(source) == []
