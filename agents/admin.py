from django.contrib import admin

from agents.models import Availability, Membership


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "group", "role"]
    list_filter = ["role", "group"]
    search_fields = ["user__username"]


@admin.register(Availability)
class AvailabilityAdmin(admin.ModelAdmin):
    list_display = ["user", "available", "changed_at"]
    list_filter = ["available"]
    search_fields = ["user__username"]
