from django.urls import path

from . import views

app_name = "insights"

urlpatterns = [
    path("", views.index, name="index"),
    path("hotspots/", views.hotspot_list, name="hotspots"),
    path("warnings/", views.warning_list, name="warnings"),
    path("forecasts/", views.forecasts, name="forecasts"),
]
