"""License types and licenses (电子证照) with their catalogue record (GB/T 36902/36903)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from govhall.catalog.models import BaseItem
from govhall.core.models import Department, PublicModel
from govhall.licenses.models.seal import Seal

TOKEN_MAX_LENGTH = 255
INDEX_LENGTH = 64


class LicenseLayout(models.TextChoices):
    """How a license of the type is laid out as a document (licenses/templates/licenses/layouts)."""

    CERTIFICATE = "certificate", _("Certificate (A4 portrait)")
    CARD = "card", _("Card (A6 landscape)")


class LicenseType(PublicModel):
    """A kind of license: its code (defining authority's credit code + 3 digits), the face
    fields (照面) as a form schema, the validity and the items whose grant issues it."""

    name = models.CharField(_("name"), max_length=100)
    type_code = models.CharField(_("type code"), max_length=21, unique=True)
    defining_authority = models.CharField(_("defining authority"), max_length=100)
    face_schema = models.JSONField(
        _("face fields"),
        default=dict,
        blank=True,
        help_text=_("The license's face fields, in the form-schema format of application forms."),
    )
    validity_years = models.PositiveSmallIntegerField(
        _("validity (years)"), null=True, blank=True, help_text=_("Empty: long-term (长期).")
    )
    layout = models.CharField(
        _("layout"),
        max_length=16,
        choices=LicenseLayout.choices,
        default=LicenseLayout.CERTIFICATE,
    )
    holder_kind = models.CharField(
        _("holder"),
        max_length=16,
        choices=[("person", _("Person")), ("organization", _("Organization"))],
    )
    items = models.ManyToManyField(
        BaseItem,
        verbose_name=_("issued by the grant of"),
        blank=True,
        related_name="license_types",
    )

    class Meta:
        verbose_name = _("license type")
        verbose_name_plural = _("license types")
        ordering = ["type_code"]

    def __str__(self) -> str:
        return self.name


class LicenseStatus(models.TextChoices):
    VALID = "valid", pgettext_lazy("license status", "Valid")
    SUSPENDED = "suspended", pgettext_lazy("license status", "Suspended")
    REVOKED = "revoked", pgettext_lazy("license status", "Revoked")
    REPLACED = "replaced", pgettext_lazy("license status", "Replaced by a new version")


class TrustGrade(models.TextChoices):
    """Trust grades of licenses and materials (国办函〔2016〕108号, STANDARDS.md)."""

    A = "A", _("A — issued with an electronic seal, usable directly")
    B = "B", _("B — checked against the original by a clerk, reusable")
    C = "C", _("C — uploaded by the applicant, to be checked")
    D = "D", _("D — declared by the applicant under a pledge")


class LicenseOrigin(models.TextChoices):
    CASE = "case", _("Granted case")
    MANUAL = "manual", _("Entered by staff")
    IMPORT = "import", _("Legacy stock import")
    REPLACEMENT = "replacement", _("New version")


class HolderCodeType(models.TextChoices):
    RESIDENT_ID = "111", _("Resident identity card")
    CREDIT_CODE = "001", _("Unified social credit code")


class License(PublicModel):
    """One license: its catalogue record, the canonical payload signed by the issuer's seal and
    the signature. ``payload`` is the exact text signed (sorted-key JSON, UTF-8); the holder's
    code appears in it only as a salted SM3 commitment, so the signed record can be published
    for anyone to verify without publishing the ID number."""

    identifier = models.CharField(_("license identifier"), max_length=120, unique=True)
    license_type = models.ForeignKey(
        LicenseType, verbose_name=_("license type"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("license number"), max_length=60)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    issuer = models.ForeignKey(
        Department, verbose_name=_("issuing authority"), on_delete=models.PROTECT, related_name="+"
    )
    issued_on = models.DateField(_("issued on"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    area_code = models.CharField(_("jurisdiction area code"), max_length=6)
    holder_name = models.CharField(_("holder"), max_length=200)
    holder_code_type = models.CharField(
        _("holder code type"), max_length=3, choices=HolderCodeType.choices
    )
    holder_code_encrypted = models.CharField(
        _("holder code (encrypted)"), max_length=TOKEN_MAX_LENGTH
    )
    holder_code_index = models.CharField(
        _("holder code (blind index)"), max_length=INDEX_LENGTH, db_index=True
    )
    holder_code_masked = models.CharField(_("holder code"), max_length=18)
    item_name = models.CharField(_("related item"), max_length=200, blank=True)
    item_code = models.CharField(_("related item code"), max_length=40, blank=True)
    case_number = models.CharField(_("case number"), max_length=30, blank=True, db_index=True)
    face = models.JSONField(_("face fields"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=LicenseStatus.choices, default=LicenseStatus.VALID
    )
    seal = models.ForeignKey(
        Seal, verbose_name=_("signed with"), on_delete=models.PROTECT, related_name="licenses"
    )
    payload = models.TextField(_("signed payload"))
    signature = models.BinaryField(_("signature (DER)"))
    trust_grade = models.CharField(
        _("trust grade"), max_length=1, choices=TrustGrade.choices, default=TrustGrade.A
    )
    origin = models.CharField(
        _("origin"), max_length=16, choices=LicenseOrigin.choices, default=LicenseOrigin.CASE
    )
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    revision = models.PositiveIntegerField(
        _("revision"),
        default=0,
        help_text=_("Counts the license's signed changes; a rendered PDF is kept per revision."),
    )
    signed_on = models.DateField(
        _("signed on"),
        null=True,
        blank=True,
        help_text=_(
            "Legacy stock: the day the issuer's seal signed the record, after its issue; "
            "empty: signed on the issue day."
        ),
    )
    license_import = models.ForeignKey(
        "licenses.LicenseImport",
        verbose_name=_("legacy stock import"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="licenses",
    )

    class Meta:
        verbose_name = _("license")
        verbose_name_plural = _("licenses")
        ordering = ["-issued_on", "-id"]
        indexes = [
            models.Index(fields=["holder_code_index", "-issued_on", "-id"], name="licenses_wallet"),
            # the license office's list of a department's licenses, newest first
            models.Index(fields=["issuer", "-issued_on", "-id"], name="licenses_by_issuer"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["license_type", "number", "version"], name="licenses_number_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.license_type.name} {self.number}"
