"""Portal URLs."""

from django.urls import path

from govhall.portal import views
from govhall.portal.account import views as account
from govhall.portal.cases import views as cases
from govhall.portal.license_verify import license_verify_form, license_verify_page
from govhall.portal.licenses import (
    my_license_pdf,
    my_license_share,
    my_license_share_withdraw,
    my_licenses,
)
from govhall.portal.lookup import case_lookup
from govhall.portal.notifications import views as notifications

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("items/<str:implementation_code>/", views.guide, name="guide"),
    path("items/<str:implementation_code>/print/", views.guide_print, name="guide_print"),
    path("items/<str:implementation_code>/guide.pdf", views.guide_pdf, name="guide_pdf"),
    path("intermediaries/", views.intermediaries, name="intermediaries"),
    path("intermediaries/<str:code>/", views.intermediary, name="intermediary"),
    path("agencies/", views.agencies, name="agencies"),
    path("account/", account.account, name="account"),
    path("account/sign-in/", account.sign_in, name="sign_in"),
    path("account/sign-in/passkey/", account.sign_in_passkey, name="sign_in_passkey"),
    path("account/sign-out/", account.sign_out, name="sign_out"),
    path("account/passkeys/enrol/", account.passkey_enrol, name="passkey_enrol"),
    path("account/register/", account.register, name="register"),
    path("account/verify/mobile/", account.verify_mobile, name="verify_mobile"),
    path("account/verify/population/", account.verify_population, name="verify_population"),
    path("account/organizations/", account.organization_add, name="organization_add"),
    path("account/mandates/new/", account.mandate_new, name="mandate_new"),
    path(
        "account/mandates/<uuid:mandate_uuid>/revoke/",
        account.mandate_revoke_view,
        name="mandate_revoke",
    ),
    path("account/tokens/", account.token_new, name="token_new"),
    path(
        "account/tokens/<uuid:token_uuid>/revoke/", account.token_revoke_view, name="token_revoke"
    ),
    path("apply/<uuid:version_uuid>/", cases.apply, name="apply"),
    path("apply/<uuid:version_uuid>/fields/", cases.apply_fields, name="apply_fields"),
    path("my/cases/", cases.my_case_list, name="my_cases"),
    path("my/cases/<str:number>/", cases.my_case, name="my_case"),
    path(
        "my/cases/<str:number>/notices/<uuid:notice_uuid>/",
        cases.my_case_notice,
        name="my_case_notice",
    ),
    path("materials/<uuid:material_uuid>/<str:kind>", views.material_file, name="material_file"),
    path("my/notifications/", notifications.notification_list, name="notifications"),
    path("cases/lookup/", case_lookup, name="case_lookup"),
    path("my/licenses/", my_licenses, name="my_licenses"),
    path("my/licenses/<str:identifier>/pdf/", my_license_pdf, name="my_license_pdf"),
    path("my/licenses/<str:identifier>/share/", my_license_share, name="my_license_share"),
    path(
        "my/licenses/<str:identifier>/share/<uuid:share_uuid>/withdraw/",
        my_license_share_withdraw,
        name="my_license_share_withdraw",
    ),
    path("licenses/verify/", license_verify_form, name="license_verify_form"),
    path("licenses/verify/<str:identifier>/", license_verify_page, name="license_verify"),
]
