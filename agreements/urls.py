from django.urls import path

from agreements.views import agreements, concerns, review

app_name = "agreements"

urlpatterns = [
    path("agreements/", agreements.index, name="index"),
    path("agreements/new/", agreements.new, name="new"),
    path("agreements/review/", review.review, name="review"),
    path("agreements/review/finish/", review.finish, name="review_finish"),
    path("agreements/<uuid:agreement_id>/", agreements.detail, name="detail"),
    path("agreements/<uuid:agreement_id>/revise/", agreements.revise, name="revise"),
    path("agreements/<uuid:agreement_id>/retire/", agreements.retire, name="retire"),
    path("agreements/<uuid:agreement_id>/answer/", agreements.answer, name="answer"),
    path("agreements/<uuid:agreement_id>/step-back/", agreements.step_back, name="step_back"),
    path("agreements/<uuid:agreement_id>/history/", agreements.history, name="history"),
    path("agreements/<uuid:agreement_id>/concern/", concerns.new, name="concern_new"),
    path("concerns/<uuid:concern_id>/", concerns.detail, name="concern"),
    path("concerns/<uuid:concern_id>/answer/", concerns.answer, name="concern_answer"),
    path("concerns/<uuid:concern_id>/settle/", concerns.settle, name="concern_settle"),
]
