"""Write the default routing rules for the org tree that exists now."""

from django.core.management.base import BaseCommand

from xinfang.triage.models import RoutingRule
from xinfang.triage.seeding import seed_default_rules


class Command(BaseCommand):
    help = "按内容分类与职能部门的对应关系生成默认交办规则（可重复运行；已有规则的地区和分类不会改动）"

    def handle(self, *args, **opts):
        created = seed_default_rules()
        self.stdout.write(f"新建交办规则 {created} 条，现有 {RoutingRule.objects.count()} 条")
