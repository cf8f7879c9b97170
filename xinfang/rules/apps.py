from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "xinfang.rules"
    label = "rules"
    verbose_name = "时限规则"
