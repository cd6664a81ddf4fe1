"""The home page always; the demo shop only with TANDEM_DEMO_PAGES (never in production
unless asked)."""

from django.conf import settings
from django.urls import path

from demo import views

urlpatterns = [path("", views.home, name="home")]
if settings.TANDEM_DEMO_PAGES:
    urlpatterns += [
        path("demo/", views.demo_home, name="demo"),
        path("demo/checkout/", views.demo_checkout, name="demo-checkout"),
    ]
