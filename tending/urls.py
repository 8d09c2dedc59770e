from django.conf import settings
from django.urls import include, path

from tending import health

urlpatterns = [
    path("", include("today.urls")),
    path("health/live", health.live, name="health_live"),
    path("health/ready", health.ready, name="health_ready"),
    path("", include("couples.urls")),
    path("account/", include("accounts.urls")),
    path("account/", include("privacy.urls")),
    path("account/", include("push.urls")),
    path("notes/", include("notes.urls")),
    path("", include("commitments.urls")),
    path("", include("checkins.urls")),
    path("", include("bids.urls")),
    path("", include("agreements.urls")),
    path("", include("closeness.urls")),
    path("", include("conversations.urls")),
    path("", include("appreciations.urls")),
    path("", include("questions.urls")),
    path("", include("milestones.urls")),
    path("", include("rituals.urls")),
    path("", include("projects.urls")),
    path("", include("measures.urls")),
    path("", include("insight.urls")),
    path("", include("safety.urls")),
]

if settings.ADMIN_ENABLED:
    from django.contrib import admin

    urlpatterns.append(path("operator/admin/", admin.site.urls))
