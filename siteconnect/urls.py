from django.urls import path

from siteconnect import views

urlpatterns = [
    path("frame/", views.site_connect_frame, name="site-connect-frame"),
]
