from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("", views.queue_page, name="queue"),
    path("notifications/", views.notifications_page, name="notifications"),
    path("notifications/read/", views.mark_read, name="read_all"),
    path("notifications/<int:pk>/read/", views.mark_read, name="read"),
]
