from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "xinfang.insights"
    label = "insights"
    verbose_name = "研判预警"

    def ready(self) -> None:
        from xinfang.cases.signals import submission_received

        from .urgent import on_submission_received

        submission_received.connect(on_submission_received, dispatch_uid="insights.urgent_content")
