from django.urls import path

from . import views_home

app_name = "portal"

urlpatterns = [
    path("", views_home.home, name="home"),
]
