from django import forms
from django.contrib import admin, messages

from api import services
from api.models import ApiToken
from cobrowse.selectors import agent_group_ids


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["user", "group", "name", "revoked"]

    def clean(self) -> dict:
        data = super().clean()
        user, group = data.get("user"), data.get("group")
        new = self.instance.pk is None and user and group
        if new and group.id not in agent_group_ids(user=user):
            raise forms.ValidationError(f"{user} is not an agent of group {group.public_id}.")
        return data


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    form = ApiTokenForm
    list_display = ["prefix", "name", "user", "group", "created_at", "last_used_at", "revoked"]
    list_filter = ["revoked", "group"]
    search_fields = ["prefix", "name", "user__username"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        made = ["prefix", "created_at", "last_used_at"]
        return made if obj is None else ["user", "group", *made]

    def save_model(self, request, obj: ApiToken, form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        key = obj.issue_key()
        super().save_model(request, obj, form, change)
        self.message_user(
            request,
            f"The new token's key is {key} — copy it now: it is never shown again.",
            messages.WARNING,
        )

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset) -> None:
        for token in queryset.select_related("user"):
            services.token_revoke(token=token)
