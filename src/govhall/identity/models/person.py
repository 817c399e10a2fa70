"""Natural persons (自然人) and the record of how each assurance level was reached.

ID, social security and mobile numbers are stored only as SM4 tokens (``*_encrypted``), keyed
SM3 blind indexes (``*_index``: uniqueness and look-ups) and masked forms (``*_masked``: every
display); see :mod:`govhall.core.personal_data`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govhall.core.models.base import PublicModel

TOKEN_MAX_LENGTH = 255
INDEX_LENGTH = 64


class AssuranceLevel(models.IntegerChoices):
    """How sure the platform is that the person is who they claim to be."""

    L0 = 0, _("L0: not verified")
    L1 = 1, _("L1: mobile number verified by SMS code")
    L2 = 2, _("L2: name and ID number verified against the population source")
    L3 = 3, _("L3: verified in person")


class AssuranceMethod(models.TextChoices):
    SMS_CODE = "sms_code", _("SMS code")
    POPULATION_SOURCE = "population_source", _("Population information source")
    WINDOW = "window", _("In person at a service window")
    QUALIFIED_CHANNEL = "qualified_channel", _("Qualified identity channel")


class Person(PublicModel):
    """A natural person with an account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="person",
    )
    name = models.CharField(_("full name"), max_length=50)
    id_number_encrypted = models.CharField(_("ID number (encrypted)"), max_length=TOKEN_MAX_LENGTH)
    id_number_index = models.CharField(
        _("ID number (blind index)"), max_length=INDEX_LENGTH, unique=True
    )
    id_number_masked = models.CharField(_("ID number"), max_length=18)
    birth_date = models.DateField(_("birth date"))
    is_male = models.BooleanField(_("male"))
    mobile_encrypted = models.CharField(_("mobile number (encrypted)"), max_length=TOKEN_MAX_LENGTH)
    mobile_index = models.CharField(
        _("mobile number (blind index)"), max_length=INDEX_LENGTH, unique=True
    )
    mobile_masked = models.CharField(_("mobile number"), max_length=11)
    social_security_encrypted = models.CharField(
        _("social security number (encrypted)"),
        max_length=TOKEN_MAX_LENGTH,
        blank=True,
        default="",
    )
    social_security_index = models.CharField(
        _("social security number (blind index)"),
        max_length=INDEX_LENGTH,
        blank=True,
        default="",
        db_index=True,
    )
    assurance_level = models.IntegerField(
        _("assurance level"), choices=AssuranceLevel.choices, default=AssuranceLevel.L0
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        permissions = [
            ("verify_in_person", _("Can verify a person in person (assurance level 3)")),
            ("reveal_id_number", _("Can read a person's full ID number (audited)")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["social_security_index"],
                condition=~models.Q(social_security_index=""),
                name="identity_person_social_security_unique",
            ),
        ]

    @property
    def identity_verified(self) -> bool:
        """Name and ID number checked (L2: the population source; L3: in person): what
        anything found by the ID number — the license wallet, "submit once" — requires,
        since an unverified account may have typed someone else's number."""
        return self.assurance_level >= AssuranceLevel.L2

    def __str__(self) -> str:
        return f"{self.name} ({self.id_number_masked})"


class AssuranceEvent(models.Model):
    """One step of a person's assurance: which level, how, when and who confirmed it."""

    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="assurance_events",
    )
    level = models.IntegerField(_("assurance level"), choices=AssuranceLevel.choices)
    method = models.CharField(_("method"), max_length=32, choices=AssuranceMethod.choices)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)
    actor_label = models.CharField(_("actor"), max_length=150)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name = _("assurance event")
        verbose_name_plural = _("assurance events")

    def __str__(self) -> str:
        return f"{self.person_id} L{self.level} {self.method}"
