"""The rating's HTML endpoint (the JSON API lives under /api/v1/)."""

from django.urls import path

from . import views

app_name = "ratings"

urlpatterns = [
    path("articles/<int:article_id>/", views.rate, name="rate"),
]
