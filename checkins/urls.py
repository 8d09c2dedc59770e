from django.urls import path

from checkins.views import checkin, journal, reflect, trends

app_name = "checkins"
urlpatterns = [
    # The daily check-in (views/checkin.py)
    path("check-in/", checkin.today, name="today"),
    path("check-in/<isodate:day>/", checkin.on_day, name="day"),
    path("check-in/history/", checkin.history, name="history"),
    path("check-in/sharing/", checkin.sharing_preference, name="sharing"),
    path("check-in/<uuid:checkin_id>/share/", checkin.share, name="share"),
    path("check-in/<uuid:checkin_id>/unshare/", checkin.unshare, name="unshare"),
    # Reflection prompts (views/reflect.py)
    path("reflect/", reflect.prompts, name="reflect"),
    path("reflect/<uuid:reflection_id>/share/", reflect.share, name="reflection_share"),
    path("reflect/<uuid:reflection_id>/unshare/", reflect.unshare, name="reflection_unshare"),
    # The private journal (views/journal.py)
    path("journal/", journal.journal, name="journal"),
    path("journal/<uuid:journal_id>/delete/", journal.delete, name="journal_delete"),
    # Trends (views/trends.py)
    path("trends/", trends.trends, name="trends"),
]
