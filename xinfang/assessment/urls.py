from django.urls import path

from . import views_case, views_rates, views_schemes, views_thirdparty

app_name = "assessment"

urlpatterns = [
    path("", views_rates.rates_page, name="rates"),
    path("drill/", views_rates.drill_page, name="drill"),
    path("cases/<int:case_id>/assess/", views_case.assess_case, name="assess_case"),
    path("schemes/", views_schemes.schemes_page, name="schemes"),
    path("schemes/new/", views_schemes.scheme_edit, name="scheme_new"),
    path("schemes/<slug:code>/edit/", views_schemes.scheme_edit, name="scheme_edit"),
    path("schemes/<int:scheme_id>/scores/", views_schemes.score_page, name="score"),
    path("third-party/", views_thirdparty.samples_page, name="samples"),
    path("callbacks/", views_thirdparty.my_callbacks, name="callbacks"),
    path("callbacks/<int:sampled_id>/", views_thirdparty.callback, name="callback"),
]
