#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as e:
        if type(e).__name__ != "MissingKeys":  # config.settings.MissingKeys: what to do is the whole message
            raise
        sys.exit(f"manage.py: {e}")
