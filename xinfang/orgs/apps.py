from django.apps import AppConfig
from django.db.models.signals import post_migrate


def ensure_regions(sender, using="default", **kwargs):
    """The region table is reference data: restore it after a `flush`."""
    from .models import Region
    from .regions import load_regions

    if not Region.objects.using(using).exists():
        load_regions(Region)


class OrgsConfig(AppConfig):
    name = "xinfang.orgs"
    label = "orgs"
    verbose_name = "区划与单位"

    def ready(self) -> None:
        post_migrate.connect(ensure_regions, sender=self)
        from . import cached

        cached.connect()
