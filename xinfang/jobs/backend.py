"""The task backend: django_tasks_db's, writing its task row with one prepared
INSERT (lib/dbinsert) instead of `objects.create()`.

Every online petition enqueues a task inside its registering transaction (the
similar-text match); the ORM's create() cost more there than the insert itself.
The row is the one the library writes: the same fields and values, and its
pre_save receivers run as they do for create() (the library's fills in
run_after)."""

from django.db import router
from django.db.models import Expression
from django.db.models.signals import pre_save
from django_tasks_db import DatabaseBackend as LibraryBackend
from django_tasks_db.compat import normalize_json

from xinfang.lib.dbinsert import insert


class DatabaseBackend(LibraryBackend):
    def _task_to_db_task(self, task, args, kwargs):
        from django_tasks_db.models import DBTaskResult

        values = {"args_kwargs": normalize_json({"args": args, "kwargs": kwargs}), "priority": task.priority,
                  "task_path": task.module_path, "queue_name": task.queue_name, "run_after": task.run_after,
                  "backend_name": self.alias}
        key = self._get_id()
        if isinstance(key, Expression):  # an id the database computes (Django 6): the library's way
            return DBTaskResult.objects.create(id=key, **values)
        row = DBTaskResult(id=key, **values)
        using = router.db_for_write(DBTaskResult, instance=row)
        pre_save.send(sender=DBTaskResult, instance=row, raw=False, using=using, update_fields=None)
        return insert(row, using=using)
