"""The workbench's identity pages: persons, organizations, mandates, proxy agents, sign-ins.

Everything identity holds is written by its services, so these pages are read-only except for
the actions that call a service: verifying a person in person (L3), checking a person against
the population source (L2), reading a full ID number with a stated purpose, registering proxy
agents, and revoking mandates and tokens. Lists are scoped by the staff member's region where
the object has one (organizations, proxy agents).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from govhall.core.admin_base import ReadOnlyAdmin
from govhall.core.errors import DomainError, ValidationFailed
from govhall.core.messages import report_error
from govhall.core.models import Region
from govhall.core.scoping import StaffScope
from govhall.identity.models import (
    AssuranceEvent,
    Mandate,
    Organization,
    Person,
    PersonalAccessToken,
    ProxyAgent,
    SignInAttempt,
    User,
)
from govhall.identity.roles import separated_roles_held
from govhall.identity.selectors import person_find_by_id_number
from govhall.identity.services import person_reveal_id_number
from govhall.identity.services.assurance import (
    person_verify_in_person,
    person_verify_with_population_source,
)
from govhall.identity.services.mandates import mandate_revoke, proxy_agent_register
from govhall.identity.services.tokens import token_revoke


def _region_scoped(request: HttpRequest, queryset: QuerySet[Any], path: str) -> QuerySet[Any]:
    return StaffScope.for_user(request.user).filter(queryset, region=path)


class GovhallUserChangeForm(UserChangeForm):  # type: ignore[type-arg]
    """Refuses an account holding two of graded protection's three administrators."""

    def clean_groups(self) -> Any:
        groups = self.cleaned_data.get("groups")
        held = separated_roles_held(group.name for group in groups or [])
        if len(held) > 1:
            raise forms.ValidationError(
                _(
                    "One account may hold only one of the three administrator roles (system, "
                    "security, audit) of graded protection; chosen: %(roles)s."
                )
                % {"roles": "; ".join(role.group_name for role in held)},
                code="groups.separated_administrators",
            )
        return groups


#: What only a superuser may change on an account, and nobody but a superuser on their own:
#: rights and the superuser flag (a security administrator cannot raise themself).
RIGHTS_FIELDS = ("is_superuser", "user_permissions")
OWN_RIGHTS_FIELDS = ("groups", "is_staff", "is_active", *RIGHTS_FIELDS)


@admin.register(User)
class GovhallUserAdmin(UserAdmin):  # type: ignore[type-arg]
    form = GovhallUserChangeForm
    list_display = ("username", "display_name", "department", "region", "is_staff")
    list_select_related = ("department", "region")
    autocomplete_fields = ("department", "region")
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (_("Scope"), {"fields": ("display_name", "department", "region")}),
    )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Only a superuser changes a superuser (its password included: Django's password page
        asks this too)."""
        if (
            obj is not None
            and obj.is_superuser
            and not getattr(request.user, "is_superuser", False)
        ):
            return False
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        """Security administrators assign roles, but not rights outside them, not the superuser
        flag, and nothing of their own account (another administrator does: four eyes)."""
        fields = list(super().get_readonly_fields(request, obj))
        if getattr(request.user, "is_superuser", False):
            return fields
        own = obj is not None and obj.pk == request.user.pk
        return [*fields, *(OWN_RIGHTS_FIELDS if own else RIGHTS_FIELDS)]


class AssuranceEventInline(admin.TabularInline):  # type: ignore[type-arg]
    model = AssuranceEvent
    extra = 0
    can_delete = False
    fields = ("occurred_at", "level", "method", "actor_label", "detail")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class InPersonForm(forms.Form):
    document = forms.CharField(
        label=_("Identity document checked"), initial="居民身份证", max_length=100
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class RevealForm(forms.Form):
    purpose = forms.CharField(label=_("Purpose"), max_length=200)


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ("name", "id_number_masked", "mobile_masked", "assurance_level", "created_at")
    list_filter = ("assurance_level",)
    search_fields = ("name",)
    search_help_text = _("A name, or a full ID number (found through its blind index).")
    fields = (
        "name",
        "id_number_masked",
        "mobile_masked",
        "birth_date",
        "is_male",
        "assurance_level",
        "user",
        "created_at",
    )
    readonly_fields = fields
    inlines = (AssuranceEventInline,)
    change_form_template = "admin/identity/person/change_form.html"

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        term = search_term.strip()
        if len(term) in (15, 18) and term[:15].isdigit():
            person = person_find_by_id_number(term)
            return queryset.filter(pk=person.pk if person else None), False
        return super().get_search_results(request, queryset, search_term)

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<path:object_id>/verify-in-person/",
                self.admin_site.admin_view(self.verify_in_person_view),
                name="identity_person_verify_in_person",
            ),
            path(
                "<path:object_id>/verify-population/",
                self.admin_site.admin_view(self.verify_population_view),
                name="identity_person_verify_population",
            ),
            path(
                "<path:object_id>/reveal/",
                self.admin_site.admin_view(self.reveal_view),
                name="identity_person_reveal",
            ),
        ]
        return own + super().get_urls()

    def _person(self, request: HttpRequest, object_id: str) -> Person:
        if not self.has_view_permission(request):
            raise DjangoPermissionDenied
        return get_object_or_404(Person, pk=object_id)

    def _back(self, person: Person) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:identity_person_change", args=[person.pk]))

    def verify_in_person_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        person = self._person(request, object_id)
        if not request.user.has_perm("identity.verify_in_person"):
            raise DjangoPermissionDenied
        form = InPersonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                person_verify_in_person(
                    person=person,
                    actor=request.user,  # type: ignore[arg-type]
                    document=form.cleaned_data["document"],
                    note=form.cleaned_data["note"],
                )
            except DomainError as error:
                report_error(request, error)
            else:
                messages.success(
                    request, gettext("%(name)s is verified in person (L3).") % {"name": person.name}
                )
                return self._back(person)
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": gettext("Verify %(name)s in person") % {"name": person},
        }
        return render(request, "admin/form.html", context)

    def verify_population_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        person = self._person(request, object_id)
        if request.method == "POST":
            try:
                person_verify_with_population_source(person=person, actor=request.user)
                messages.success(request, gettext("Verified against the population source (L2)."))
            except DomainError as error:
                report_error(request, error)
            return self._back(person)
        context = {
            **self.admin_site.each_context(request),
            "form": forms.Form(),
            "title": gettext("Check %(name)s against the population source") % {"name": person},
        }
        return render(request, "admin/form.html", context)

    def reveal_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        person = self._person(request, object_id)
        if not request.user.has_perm("identity.reveal_id_number"):
            raise DjangoPermissionDenied
        form = RevealForm(request.POST or None)
        revealed = None
        if request.method == "POST" and form.is_valid():
            revealed = person_reveal_id_number(
                person=person,
                actor=request.user,  # type: ignore[arg-type]
                purpose=form.cleaned_data["purpose"],
            )
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": gettext("Read the full ID number of %(name)s") % {"name": person},
            "revealed": revealed,
        }
        return render(request, "admin/identity/person/reveal.html", context)


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdmin):
    list_display = ("name", "credit_code", "org_type", "region", "legal_representative_name")
    list_filter = ("org_type",)
    search_fields = ("name", "credit_code")
    list_select_related = ("region",)
    readonly_fields = (
        "name",
        "credit_code",
        "org_type",
        "region",
        "legal_representative",
        "legal_representative_name",
        "legal_representative_id_masked",
        "verified_at",
        "verification_source",
        "registered_by",
    )
    fields = readonly_fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return _region_scoped(request, super().get_queryset(request), "region")


@admin.register(Mandate)
class MandateAdmin(ReadOnlyAdmin):
    list_display = (
        "agent",
        "kind",
        "principal_person",
        "principal_organization",
        "valid_from",
        "valid_until",
        "revoked_at",
    )
    list_filter = ("kind", "revoked_at")
    list_select_related = ("agent", "principal_person", "principal_organization")
    readonly_fields = (
        "kind",
        "agent",
        "principal_person",
        "principal_organization",
        "item_codes",
        "valid_from",
        "valid_until",
        "consent_text",
        "consent_signed_at",
        "granted_by",
        "revoked_at",
        "revoked_by",
        "revoke_reason",
    )
    fields = readonly_fields
    actions = ("revoke",)

    @admin.action(description=_("Revoke the selected mandates"), permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[Mandate]) -> None:
        done = 0
        for mandate in queryset.filter(revoked_at__isnull=True):
            try:
                mandate_revoke(
                    mandate=mandate,
                    actor=request.user,  # type: ignore[arg-type]
                    reason=gettext("Revoked in the workbench"),
                )
                done += 1
            except DomainError as error:
                report_error(request, error)
        messages.success(request, gettext("%(count)d mandates revoked.") % {"count": done})

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("identity.change_mandate")


class ProxyAgentForm(forms.Form):
    id_number = forms.CharField(label=_("ID number of the person"), max_length=24)
    service_region = forms.CharField(
        label=_("Village or community code"), max_length=12, help_text=_("12 digits")
    )


@admin.register(ProxyAgent)
class ProxyAgentAdmin(ReadOnlyAdmin):
    list_display = ("person", "service_region", "is_active", "registered_by", "created_at")
    list_filter = ("is_active",)
    list_select_related = ("person", "service_region", "registered_by")
    readonly_fields = ("person", "service_region", "is_active", "registered_by", "created_at")
    fields = readonly_fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return _region_scoped(request, super().get_queryset(request), "service_region")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("identity.add_proxyagent")

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        if not self.has_add_permission(request):
            raise DjangoPermissionDenied
        form = ProxyAgentForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            person = person_find_by_id_number(form.cleaned_data["id_number"])
            region = Region.objects.filter(code=form.cleaned_data["service_region"].strip()).first()
            if person is None:
                form.add_error("id_number", gettext("No registered person has this ID number."))
            elif region is None:
                form.add_error("service_region", gettext("Unknown region code."))
            else:
                try:
                    proxy_agent_register(
                        person=person,
                        service_region=region,
                        actor=request.user,  # type: ignore[arg-type]
                    )
                except ValidationFailed as error:
                    for field_error in error.errors:
                        form.add_error(None, str(field_error.message))
                except DomainError as error:
                    form.add_error(None, str(error.detail))
                else:
                    messages.success(request, gettext("The proxy agent is registered."))
                    return HttpResponseRedirect(reverse("admin:identity_proxyagent_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": gettext("Register a proxy agent"),
        }
        return render(request, "admin/form.html", context)


@admin.register(SignInAttempt)
class SignInAttemptAdmin(ReadOnlyAdmin):
    list_display = (
        "occurred_at",
        "method",
        "identifier_masked",
        "user",
        "ip_address",
        "succeeded",
        "failure_code",
    )
    list_filter = ("method", "succeeded", "failure_code")
    search_fields = ("ip_address", "user__username")
    list_select_related = ("user",)


@admin.register(PersonalAccessToken)
class PersonalAccessTokenAdmin(ReadOnlyAdmin):
    list_display = (
        "name",
        "user",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    list_select_related = ("user",)
    search_fields = ("user__username", "prefix", "name")
    readonly_fields = list_display
    fields = list_display
    actions = ("revoke",)

    @admin.action(description=_("Revoke the selected tokens"), permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[PersonalAccessToken]) -> None:
        for token in queryset.filter(revoked_at__isnull=True):
            token_revoke(token=token, actor=request.user)  # type: ignore[arg-type]
        messages.success(request, gettext("Tokens revoked."))

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)


from govhall.identity.oidc import admin as oidc_admin  # noqa: E402, F401 - registers the OIDC pages
