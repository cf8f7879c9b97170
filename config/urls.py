from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "阳光信访 · 系统管理"
admin.site.site_title = "阳光信访"
admin.site.index_title = "基础数据维护"

urlpatterns = [
    path("", include("xinfang.portal.urls")),
    path("open/", include("xinfang.disclosure.urls")),
    path("accounts/", include("xinfang.accounts.urls")),
    path("cases/", include("xinfang.cases.urls")),
    path("orgs/", include("xinfang.orgs.urls")),
    path("rules/", include("xinfang.rules.urls")),
    path("supervision/", include("xinfang.supervision.urls")),
    path("triage/", include("xinfang.triage.urls")),
    path("analytics/", include("xinfang.analytics.urls")),
    path("insights/", include("xinfang.insights.urls")),
    path("assessment/", include("xinfang.assessment.urls")),
    path("integrity/", include("xinfang.integrity.urls")),
    path("admin/", admin.site.urls),
]
