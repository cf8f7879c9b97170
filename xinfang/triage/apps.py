from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "xinfang.triage"
    label = "triage"
    verbose_name = "分类与交办建议"
