from django.core.management.base import BaseCommand

from xinfang.portal.sms import purge


class Command(BaseCommand):
    help = "删除一天前的短信验证码记录（验证码10分钟失效，记录无需久存）"

    def handle(self, *args, **options):
        self.stdout.write(f"已删除 {purge()} 条过期验证码记录")
