from django.urls import path

from . import views

app_name = "moderation"

urlpatterns = [
    path("report/<int:comment_id>/", views.report, name="report"),
]
