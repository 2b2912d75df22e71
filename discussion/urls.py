"""The discussion's HTML endpoints (the JSON API lives under /api/v1/)."""

from django.urls import path

from . import views

app_name = "discussion"

urlpatterns = [
    path("articles/<int:article_id>/comments/", views.post, name="post"),
    path("articles/<int:article_id>/comments/more/", views.more, name="more"),
    path("articles/<int:article_id>/poll/", views.poll, name="poll"),
    path("comments/<int:comment_id>/", views.permalink, name="permalink"),
    path("my-votes/", views.my_votes, name="my_votes"),
    path("comments/<int:comment_id>/replies/", views.replies, name="replies"),
    path("comments/<int:comment_id>/vote/", views.vote, name="vote"),
    path("comments/<int:comment_id>/edit/", views.edit, name="edit"),
    path("comments/<int:comment_id>/delete/", views.delete, name="delete"),
]
