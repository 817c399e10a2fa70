"""Forms of the account pages; rules live in the identity services, forms only collect input."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from govhall.core.errors import ValidationFailed
from govhall.identity.models import MandateKind


class PasswordSignInForm(forms.Form):
    identifier = forms.CharField(
        label=_("Mobile number or ID number"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "off"}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class SmsSignInForm(forms.Form):
    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    code = forms.CharField(
        label=_("SMS code"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class RegisterForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=50)
    id_number = forms.CharField(
        label=_("Resident ID number"), max_length=24, help_text=_("18 digits, or the old 15")
    )
    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    social_security = forms.CharField(
        label=_("Social security number"),
        max_length=24,
        required=False,
        help_text=_("As printed on your social security card."),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=200,
        help_text=_("At least 10 characters, not only digits, not a common password."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class MobileCodeForm(forms.Form):
    code = forms.CharField(
        label=_("SMS code"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class OrganizationRegisterForm(forms.Form):
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=24)


class MandateForm(forms.Form):
    kind = forms.ChoiceField(label=pgettext_lazy("mandate", "Kind"), choices=MandateKind.choices)
    principal = forms.ChoiceField(label=_("On behalf of"))
    agent_name = forms.CharField(label=_("Agent's full name"), max_length=50)
    agent_id_number = forms.CharField(label=_("Agent's ID number"), max_length=24)
    valid_until = forms.DateField(
        label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"})
    )
    item_codes = forms.CharField(
        label=_("Items covered"),
        required=False,
        help_text=_("Item codes, one per line; leave empty for all items."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent_text = forms.CharField(
        label=_("Consent statement"),
        required=False,
        help_text=_("Required for a proxy agent: what the villager signed."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TokenForm(forms.Form):
    name = forms.CharField(label=_("What the token is for"), max_length=100)
    expires_in_days = forms.IntegerField(
        label=_("Valid for (days)"), min_value=1, max_value=366, initial=90
    )


def errors_to_form(form: forms.Form, error: ValidationFailed, *, aliases: dict[str, str]) -> None:
    """Show a service's field errors on the form's fields (or at the top)."""
    for field_error in error.errors:
        field = aliases.get(field_error.field, field_error.field)
        form.add_error(field if field in form.fields else None, str(field_error.message))
