"""The visitor-facing files and pages under /cobrowse/: the loader (Tandem's name and
Glance's), the invoke script, the replay's asset proxy and the share view."""

from django.urls import path

from cobrowse import asset_views, media_views, views

urlpatterns = [
    path("loader.js", views.loader, name="loader"),
    path("CobrowseJS.ashx", views.loader, name="loader-glance"),
    path("GlanceCobrowseInvokeVisitor.js", views.invoke_visitor, name="invoke-visitor"),
    path("asset/", asset_views.asset, name="asset"),
    path("view/", media_views.share_view, name="share-view"),
]
