from django.urls import path

from closeness.views import moments, path_views

app_name = "closeness"

urlpatterns = [
    path("closeness/", path_views.index, name="index"),
    path("closeness/mine/", path_views.mine, name="mine"),
    path("closeness/steps/", path_views.add_step, name="add_step"),
    path("closeness/steps/<uuid:step_id>/remove/", path_views.remove_step, name="remove_step"),
    path("closeness/pause/", path_views.pause, name="pause"),
    path("closeness/slow-down/", path_views.slow_down, name="slow_down"),
    path("closeness/email/", path_views.email_setting, name="email_setting"),
    path("closeness/plan/", moments.plan, name="plan"),
    path("closeness/moments/<uuid:moment_id>/", moments.detail, name="moment"),
    path("closeness/moments/<uuid:moment_id>/answer/", moments.answer, name="moment_answer"),
    path("closeness/moments/<uuid:moment_id>/off/", moments.call_off, name="moment_off"),
    path("closeness/moments/<uuid:moment_id>/still-good/", moments.still_good, name="still_good"),
    path("closeness/moments/<uuid:moment_id>/after/", moments.aftercare, name="aftercare"),
]
