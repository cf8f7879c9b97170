#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    # Load the settings first: without keys (config.settings.MissingKeys) what to do
    # is the whole message. Left to a command, the error surfaces wherever the
    # command first reads a setting, or as "Models aren't loaded yet".
    try:
        settings.SECRET_KEY  # noqa: B018 - reading it loads the settings module
    except ImproperlyConfigured as e:
        if type(e).__name__ == "MissingKeys":
            sys.exit(f"manage.py: {e}")
        # Anything else: Django's own report, as it gives it.
    execute_from_command_line(sys.argv)
