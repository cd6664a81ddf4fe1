"""The demo visitor site served by `make run`: a small shop with a checkout page."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


def home(request: HttpRequest) -> HttpResponse:
    """The site root: the demo when it is served, else the agent dashboard."""
    return redirect("demo" if settings.TANDEM_DEMO_PAGES else "dashboard")


def demo_home(request: HttpRequest) -> HttpResponse:
    return render(request, "demo/home.html")


def demo_checkout(request: HttpRequest) -> HttpResponse:
    return render(request, "demo/checkout.html")
