"""Seeding the message templates with the built-in Chinese defaults."""

from .texts import DEFAULTS


def seed_templates(model, using: str = "default") -> int:
    """Create the templates that do not exist yet; how many were created.
    Takes the model class so the data migration can pass its historical one."""
    existing = set(model.objects.using(using).values_list("key", flat=True))
    rows = [model(key=key, name=d.name, body=d.body, channel=d.channel)
            for key, d in DEFAULTS.items() if key not in existing]
    model.objects.using(using).bulk_create(rows, ignore_conflicts=True)
    return len(rows)
