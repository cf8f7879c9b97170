from django.urls import path

from . import views, views_workflow

app_name = "cases"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new/<str:channel>/", views.register, name="register"),
    path("lookup/", views.lookup_petitioner, name="lookup"),
    path("<int:case_id>/", views.case_detail, name="detail"),
    path("<int:case_id>/actions/<str:name>/", views_workflow.case_action, name="action"),
    path("<int:case_id>/attachments/<int:attachment_id>/", views.download_attachment, name="attachment"),
]
