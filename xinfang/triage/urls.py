from django.urls import path

from . import views

app_name = "triage"

urlpatterns = [
    path("suggest/", views.register_suggestions, name="suggest"),
]
