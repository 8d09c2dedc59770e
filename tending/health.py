"""Health checks for load balancers and containers: open without sign-in, no personal data."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

# Once this process has seen every migration applied, it stays so: new migrations come with
# new code, and new code means a new process.
_migrated = False


def migrations_pending() -> bool:
    global _migrated
    if _migrated:
        return False
    executor = MigrationExecutor(connection)
    pending = bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    _migrated = not pending
    return pending


@login_not_required
@require_safe
@never_cache
def live(request: HttpRequest) -> JsonResponse:
    """The process is up and answering; says nothing about the database."""
    return JsonResponse({"status": "live"})


@login_not_required
@require_safe
@never_cache
def ready(request: HttpRequest) -> JsonResponse:
    """Ready for people: the database answers and every migration is applied."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        pending = migrations_pending()
    except DatabaseError:
        return JsonResponse({"status": "database unreachable"}, status=503)
    if pending:
        return JsonResponse({"status": "migrations pending"}, status=503)
    return JsonResponse({"status": "ready"})
