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
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save

        from xinfang.lib.memo import clear_on_change

        from .calendar import invalidate_calendar_cache
        from .models import CalendarYear, RuleSet, WorkCalendar
        from .rulesets import _local_rule_sets

        clear_on_change(_local_rule_sets, RuleSet)

        def calendar_changed(sender, using=None, **kwargs) -> None:
            # Again at commit: a load in between may have read rows not yet final.
            invalidate_calendar_cache()
            transaction.on_commit(invalidate_calendar_cache, using=using)

        for model in (WorkCalendar, CalendarYear):
            post_save.connect(calendar_changed, sender=model, weak=False,
                              dispatch_uid=f"calendar_changed:{model.__name__}")
            post_delete.connect(calendar_changed, sender=model, weak=False,
                                dispatch_uid=f"calendar_deleted:{model.__name__}")
