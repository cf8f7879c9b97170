"""Enqueue periodic tasks for the django-tasks-db worker (started by `make run`)."""

import time

from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from xinfang.jobs.schedule import SCHEDULE


class Command(BaseCommand):
    help = "按计划把周期性任务放入后台任务队列"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="enqueue every job once and exit")

    def handle(self, *args, **options):
        last: dict[str, float] = {}
        while True:
            now = time.monotonic()
            for job in SCHEDULE:
                if now - last.get(job.task_path, -1e9) >= job.every_seconds:
                    import_string(job.task_path).enqueue()
                    last[job.task_path] = now
            if options["once"]:
                return
            time.sleep(5)
