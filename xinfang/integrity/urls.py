from django.urls import path

from . import views

app_name = "integrity"

urlpatterns = [
    path("links/<int:pk>/decide/", views.link_decide, name="link_decide"),
    path("flags/<int:pk>/resolve/", views.flag_resolve, name="flag_resolve"),
]
