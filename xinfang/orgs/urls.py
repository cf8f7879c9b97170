from django.urls import path

from . import views

app_name = "orgs"

urlpatterns = [
    path("regions/children/", views.region_children, name="region_children"),
]
