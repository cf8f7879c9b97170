from django.apps import AppConfig
from django.db.models.signals import post_migrate


def ensure_calendar(sender, using="default", **kwargs):
    """Reference data seeded by migrations must survive `flush` (which emits
    post_migrate): put back the work calendar if it is gone."""
    from .models import CalendarYear, WorkCalendar
    from .seed import seed_work_calendar

    if not CalendarYear.objects.using(using).exists():
        seed_work_calendar(WorkCalendar, CalendarYear)


class RulesConfig(AppConfig):
    name = "xinfang.rules"
    label = "rules"
    verbose_name = "时限规则"

    def ready(self) -> None:
        post_migrate.connect(ensure_calendar, sender=self)
