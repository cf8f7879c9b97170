from django.apps import AppConfig


class IntegrityConfig(AppConfig):
    name = "xinfang.integrity"
    label = "integrity"
    verbose_name = "空转与重复研判"

    def ready(self) -> None:
        from xinfang.cases.signals import submission_received

        from .receivers import on_submission

        submission_received.connect(on_submission, dispatch_uid="integrity.on_submission")
