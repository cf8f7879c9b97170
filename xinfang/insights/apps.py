from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "xinfang.insights"
    label = "insights"
    verbose_name = "研判预警"
