from django.urls import path

from . import views

app_name = "rules"

urlpatterns = [
    path("", views.rule_tables, name="tables"),
    path("calendar/", views.calendar_screen, name="calendar"),
]
