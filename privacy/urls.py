from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("", views.ask, name="ask"),
    path("mine/", views.mine, name="mine"),
    path("data/<str:token>/", views.link, name="link"),
    path("data/<str:token>/export/", views.download, name="export"),
    path("data/<str:token>/erase/", views.erase, name="erase"),
]
