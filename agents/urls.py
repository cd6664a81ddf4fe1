from django.urls import path, re_path

from agents import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("join/", views.join, name="join"),
    re_path(r"^session/(?P<key>[A-Za-z0-9]{1,32})/$", views.viewer, name="viewer"),
]
