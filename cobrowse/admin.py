from django.contrib import admin
from django.db import models

from cobrowse.models import CobrowseSession, Group, SessionEvent, Site, TrustedDomain


class SiteInline(admin.TabularInline):
    model = Site
    extra = 0


class TrustedDomainInline(admin.TabularInline):
    model = TrustedDomain
    extra = 0


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = [
        "public_id",
        "name",
        "chat_in_timeline",
        "one_click_consent",
        "signed_visitor_ids",
    ]
    search_fields = ["name", "public_id"]
    inlines = [SiteInline, TrustedDomainInline]
    # A terms URL typed without a scheme is an https one.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "group", "enabled"]
    list_filter = ["enabled"]


@admin.register(TrustedDomain)
class TrustedDomainAdmin(admin.ModelAdmin):
    list_display = ["pattern", "group"]


class SessionEventInline(admin.TabularInline):
    model = SessionEvent
    extra = 0
    readonly_fields = ["type", "at", "actor", "detail", "text"]


@admin.register(CobrowseSession)
class CobrowseSessionAdmin(admin.ModelAdmin):
    list_display = ["key", "visitor_name", "group", "site", "state", "started_at", "ended_at"]
    list_filter = ["state", "group"]
    search_fields = ["key", "visitor_name", "visitor_email", "visitor_phone"]
    inlines = [SessionEventInline]
