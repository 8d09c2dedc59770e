from django.urls import path

from couples import views

app_name = "couples"
urlpatterns = [
    path("couple/", views.couple_page, name="couple"),
    path("couple/start/", views.start_space, name="start"),
    path("couple/invite/", views.make_invite, name="invite"),
    path("couple/invites/<uuid:invite_id>/withdraw/", views.withdraw_invite, name="withdraw"),
    path("couple/leave/", views.leave, name="leave"),
    path("couple/start-over/", views.start_over, name="start_over"),
    path("join/", views.join_with_code, name="join_code"),
    path("join/accept/", views.accept, name="accept"),
    path("join/<str:invite_token>/", views.join_link, name="join_link"),
]
