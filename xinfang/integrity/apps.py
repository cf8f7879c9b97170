from django.apps import AppConfig


class IntegrityConfig(AppConfig):
    name = "xinfang.integrity"
    label = "integrity"
    verbose_name = "空转与重复研判"
