from django.urls import path

from bids import views

app_name = "bids"
urlpatterns = [
    path("bids/", views.log, name="log"),
    path("bids/about/", views.about, name="about"),
    path("bids/nudge/", views.nudge, name="nudge"),
    path("bids/new/", views.new, name="new"),
    path("bids/<uuid:bid_id>/", views.more, name="more"),
    path("bids/<uuid:bid_id>/share/", views.share, name="share"),
    path("bids/<uuid:bid_id>/unshare/", views.unshare, name="unshare"),
    path("bids/<uuid:bid_id>/delete/", views.delete, name="delete"),
]
