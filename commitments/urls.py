from django.urls import path

from commitments.views import calendar, feed, promises, reminders

app_name = "commitments"
urlpatterns = [
    # Making, changing and marking commitments (views/promises.py)
    path("commitments/", promises.commitment_list, name="list"),
    path("commitments/new/", promises.new_commitment, name="new"),
    path("commitments/rhythms/", promises.rhythms, name="rhythms"),
    path("commitments/<uuid:commitment_id>/", promises.detail, name="detail"),
    path("commitments/<uuid:commitment_id>/edit/", promises.edit, name="edit"),
    path("commitments/<uuid:commitment_id>/cadence/", promises.cadence, name="cadence"),
    path("commitments/<uuid:commitment_id>/status/", promises.status, name="status"),
    path("commitments/<uuid:commitment_id>/suggestion/", promises.suggestion, name="suggestion"),
    path("commitments/<uuid:commitment_id>/<isodate:on_date>/", promises.occasion, name="occasion"),
    path(
        "commitments/<uuid:commitment_id>/<isodate:on_date>/noticed/",
        promises.noticed,
        name="noticed",
    ),
    # Seeing it: the month calendar and the follow-through trend (views/calendar.py)
    path("calendar/", calendar.month, name="calendar"),
    path("calendar/<int:year>/<int:month>/", calendar.month, name="calendar_month"),
    path("follow-through/", calendar.follow_through, name="follow_through"),
    # The private iCalendar feed (views/feed.py)
    path("calendar/feed/", feed.settings_page, name="feed_settings"),
    path("calendar/feed/<str:feed_token>.ics", feed.ics, name="feed"),
    # Reminder emails (views/reminders.py)
    path("reminders/", reminders.settings_page, name="reminders"),
]
