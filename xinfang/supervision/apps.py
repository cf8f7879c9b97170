from django.apps import AppConfig

# Timeline labels of the case events this app writes (internal events, never public).
EVENT_LABELS = {
    "supervise": "下发督办单",
    "supervise_report": "督办单反馈",
    "supervise_close": "督办单办结",
    "supervise_return": "督办单反馈退回",
    "supervise_withdraw": "撤回督办单",
    "urge": "催办",
}


class SupervisionConfig(AppConfig):
    name = "xinfang.supervision"
    label = "supervision"
    verbose_name = "督查督办"

    def ready(self) -> None:
        from xinfang.cases.events import OTHER_LABELS

        # Additive: the timeline labels its events from this table.
        for action, label in EVENT_LABELS.items():
            OTHER_LABELS.setdefault(action, label)
