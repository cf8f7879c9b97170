from django.urls import path

from . import views_public, views_staff

app_name = "disclosure"

urlpatterns = [
    path("", views_public.index, name="index"),
    path("guide/", views_public.guide, name="guide"),
    path("orgs/", views_public.orgs, name="orgs"),
    path("cases/", views_public.cases, name="cases"),
    path("cases/<int:pk>/", views_public.case_detail, name="case"),
    path("stats/", views_public.stats_page, name="stats"),
    path("policies/", views_public.policies, name="policies"),
    path("policies/<int:pk>/", views_public.policy_detail, name="policy"),
    # Staff (login required by the middleware).
    path("manage/", views_staff.manage, name="manage"),
    path("manage/cases/<int:case_id>/", views_staff.manage_case, name="manage_case"),
    path("manage/publications/<int:pk>/withdraw/", views_staff.withdraw, name="withdraw"),
]
