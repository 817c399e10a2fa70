"""Portal URLs."""

from django.urls import path

from govhall.portal import views

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
    path("materials/<uuid:material_uuid>/<str:kind>", views.material_file, name="material_file"),
]
