"""What sign-in leaves behind: attempts, one-time SMS codes, passkeys, access tokens, and the
systems a user signed in to through single sign-on.

Attempts are the source of the lock-outs and rate limits (counted with indexed range queries,
so they hold across processes and restarts) and of each person's sign-in history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govhall.core.models.base import PublicModel
from govhall.identity.models.person import INDEX_LENGTH


class SignInMethod(models.TextChoices):
    PASSWORD = "password", _("Password")
    SMS_CODE = "sms_code", _("SMS code")
    PASSKEY = "passkey", _("Passkey")
    ACCESS_TOKEN = "access_token", _("Personal access token")
    # Staff under the second-factor policy: the first factor, then one of their passkeys.
    PASSWORD_PASSKEY = "password+passkey", _("Password and passkey")
    SMS_CODE_PASSKEY = "sms_code+passkey", _("SMS code and passkey")


class SignInAttempt(models.Model):
    """One try to sign in, successful or not; append-only."""

    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)
    method = models.CharField(_("method"), max_length=16, choices=SignInMethod.choices)
    identifier_index = models.CharField(
        _("identifier (blind index)"), max_length=INDEX_LENGTH, blank=True
    )
    identifier_masked = models.CharField(_("identifier"), max_length=32, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sign_in_attempts",
    )
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)
    succeeded = models.BooleanField(_("succeeded"))
    failure_code = models.CharField(_("failure"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("sign-in attempt")
        verbose_name_plural = _("sign-in attempts")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["identifier_index", "occurred_at"], name="identity_attempt_ident"),
            models.Index(fields=["ip_address", "occurred_at"], name="identity_attempt_ip"),
            models.Index(fields=["user", "occurred_at"], name="identity_attempt_user"),
        ]

    def __str__(self) -> str:
        outcome = "ok" if self.succeeded else self.failure_code
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.method} {self.identifier_masked} {outcome}"


class SmsPurpose(models.TextChoices):
    SIGN_IN = "sign_in", _("Sign in")
    VERIFY_MOBILE = "verify_mobile", _("Verify the mobile number")


class SmsCode(models.Model):
    """A one-time code sent to a mobile number; only its keyed hash is stored."""

    mobile_index = models.CharField(_("mobile number (blind index)"), max_length=INDEX_LENGTH)
    mobile_masked = models.CharField(_("mobile number"), max_length=11)
    purpose = models.CharField(_("purpose"), max_length=16, choices=SmsPurpose.choices)
    code_hash = models.CharField(_("code (keyed hash)"), max_length=64)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    failed_attempts = models.PositiveSmallIntegerField(_("wrong entries"), default=0)
    consumed_at = models.DateTimeField(_("used at"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("requested from"), null=True, blank=True)

    class Meta:
        verbose_name = _("SMS code")
        verbose_name_plural = _("SMS codes")
        indexes = [
            models.Index(fields=["mobile_index", "created_at"], name="identity_sms_mobile"),
            models.Index(fields=["ip_address", "created_at"], name="identity_sms_ip"),
        ]

    def __str__(self) -> str:
        return f"{self.mobile_masked} {self.purpose} {self.created_at:%Y-%m-%d %H:%M}"


class Passkey(PublicModel):
    """A WebAuthn credential registered by a user."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="passkeys",
    )
    name = models.CharField(_("name"), max_length=60)
    credential_id = models.CharField(_("credential ID"), max_length=1400, unique=True)
    public_key = models.BinaryField(_("public key"))
    sign_count = models.PositiveBigIntegerField(_("signature counter"), default=0)
    transports = models.JSONField(_("transports"), default=list, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("passkey")
        verbose_name_plural = _("passkeys")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.name


class PersonalAccessToken(PublicModel):
    """A bearer token for scripts; only its SM3 hash is stored, the prefix identifies it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="access_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16)
    token_hash = models.CharField(_("token (hash)"), max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("personal access token")
        verbose_name_plural = _("personal access tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ConnectedSystem(models.Model):
    """A system (OIDC relying party) a user has signed in to, for their own overview."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="connected_systems",
    )
    application = models.ForeignKey(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL,
        verbose_name=_("system"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    first_signed_in_at = models.DateTimeField(_("first signed in at"), default=timezone.now)
    last_signed_in_at = models.DateTimeField(_("last signed in at"), default=timezone.now)
    sign_in_count = models.PositiveIntegerField(_("sign-ins"), default=1)

    class Meta:
        verbose_name = _("connected system")
        verbose_name_plural = _("connected systems")
        ordering = ["-last_signed_in_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "application"], name="identity_connected_system_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.application}"
