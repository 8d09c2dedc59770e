from django.urls import path

from insight import views

app_name = "insight"
urlpatterns = [
    path("insight/hard-moments/", views.guide, name="guide"),
    path("insight/hard-moments/earlier/", views.earlier, name="earlier"),
    path("insight/hard-moments/partner/", views.partner_guide, name="partner_guide"),
    path("insight/closeness/", views.closeness, name="closeness"),
    path("insight/closeness/share/", views.closeness_share, name="closeness_share"),
    path("breathe/", views.grounding, name="grounding"),
    path("breathe/tell/", views.tell, name="tell"),
]
