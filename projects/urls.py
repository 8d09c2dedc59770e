from django.urls import path

from projects import views

app_name = "projects"
urlpatterns = [
    path("projects/", views.index, name="index"),
    path("projects/<uuid:project_id>/", views.detail, name="detail"),
    path("projects/<uuid:project_id>/steps/", views.add_step, name="add_step"),
    path("projects/<uuid:project_id>/done/", views.finish, name="finish"),
    path("projects/steps/<uuid:project_step_id>/tick/", views.tick, name="tick"),
    path("heading/", views.heading, name="heading"),
    path("heading/answer/", views.heading_answer, name="heading_answer"),
]
