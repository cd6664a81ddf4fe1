from django.urls import path, re_path

from agents import views
from core.keys import SESSION_KEY_PATTERN

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("join/", views.join, name="join"),
    path("sessions/mine/", views.my_sessions, name="my_sessions"),
    re_path(rf"^session/(?P<key>{SESSION_KEY_PATTERN})/$", views.viewer, name="viewer"),
]
