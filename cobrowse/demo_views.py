"""The demo visitor site served by `make run`: a small shop with a checkout page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


def home(request: HttpRequest) -> HttpResponse:
    return redirect("demo")


def demo_home(request: HttpRequest) -> HttpResponse:
    return render(request, "demo/home.html")


def demo_checkout(request: HttpRequest) -> HttpResponse:
    return render(request, "demo/checkout.html")
