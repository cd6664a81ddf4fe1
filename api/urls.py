"""The presence REST API, mounted at /presence/ with Glance's endpoint names."""

from django.urls import path

from api import views

urlpatterns = [
    path("lookupvisitor", views.LookupVisitor.as_view(), name="presence-lookupvisitor"),
    path("findvisitor", views.FindVisitor.as_view(), name="presence-findvisitor"),
    path("signalvisitor", views.SignalVisitor.as_view(), name="presence-signalvisitor"),
    path("visitors", views.Visitors.as_view(), name="presence-visitors"),
]
