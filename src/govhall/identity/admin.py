from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from govhall.identity.models import User


@admin.register(User)
class GovhallUserAdmin(UserAdmin):  # type: ignore[type-arg]
    list_display = ("username", "display_name", "department", "region", "is_staff")
    list_select_related = ("department", "region")
    autocomplete_fields = ("department", "region")
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (_("Scope"), {"fields": ("display_name", "department", "region")}),
    )
