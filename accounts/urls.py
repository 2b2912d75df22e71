"""Readers' accounts: sign up with e-mail verification, sign in and out, reset password."""

from django.urls import path

app_name = "accounts"

urlpatterns: list = []
