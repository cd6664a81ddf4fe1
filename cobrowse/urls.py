from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from cobrowse import asset_views, demo_views, media_views, siteconnect_views, views

urlpatterns = [
    path("cobrowse/loader.js", views.loader, name="loader"),
    path("cobrowse/CobrowseJS.ashx", views.loader, name="loader-glance"),
    path("cobrowse/GlanceCobrowseInvokeVisitor.js", views.invoke_visitor, name="invoke-visitor"),
    path(
        "cobrowse/site-connect/frame/",
        siteconnect_views.site_connect_frame,
        name="site-connect-frame",
    ),
    path("cobrowse/asset/", asset_views.asset, name="asset"),
    path("cobrowse/view/", media_views.share_view, name="share-view"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("agent/", include("agents.urls")),
    path("admin/", admin.site.urls),
    path("presence/", include("api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", demo_views.home, name="home"),
]
if settings.TANDEM_DEMO_PAGES:
    urlpatterns += [
        path("demo/", demo_views.demo_home, name="demo"),
        path("demo/checkout/", demo_views.demo_checkout, name="demo-checkout"),
    ]
