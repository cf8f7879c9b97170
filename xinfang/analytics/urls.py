from django.urls import path

from . import views, views_reports

app_name = "analytics"

urlpatterns = [
    path("", views.dashboard_page, name="dashboard"),
    path("data/", views.dashboard_json, name="data"),
    path("export/<slug:chart>/", views.chart_xlsx, name="export"),
    path("reports/", views_reports.reports_page, name="reports"),
    path("reports/new/", views_reports.request_report, name="request_report"),
    path("reports/<int:pk>/progress/", views_reports.report_progress, name="report_progress"),
    path("reports/<int:pk>/<str:fmt>/", views_reports.download, name="report_download"),
]
