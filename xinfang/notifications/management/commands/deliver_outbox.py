"""Send due outbox messages now, once or in a loop (an alternative to the
db_worker task, e.g. for a dedicated sender process)."""

import time

from django.core.management.base import BaseCommand

from xinfang.notifications.delivery import deliver_due


class Command(BaseCommand):
    help = "发送待发通知（短信、邮件）；--loop 持续运行"

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep running until interrupted")
        parser.add_argument("--interval", type=float, default=5.0, help="seconds between runs with --loop")
        parser.add_argument("--batch", type=int, default=None, help="messages claimed per run")

    def handle(self, *args, **options):
        try:
            while True:
                counts = deliver_due(batch=options["batch"])
                if counts["claimed"] or not options["loop"]:
                    self.stdout.write(
                        f"已发送 {counts['sent']} 条，待重试 {counts['retrying']} 条，失败 {counts['failed']} 条，"
                        f"暂缓 {counts['deferred']} 条")
                if not options["loop"]:
                    return
                if not counts["claimed"] or counts["deferred"]:
                    time.sleep(options["interval"])
        except KeyboardInterrupt:
            self.stdout.write("已停止")
