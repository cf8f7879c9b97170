from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "xinfang.disclosure"
    label = "disclosure"
    verbose_name = "信访公开"
