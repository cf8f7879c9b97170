from django.urls import path

app_name = "disclosure"

urlpatterns: list = []
