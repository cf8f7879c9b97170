"""Print the procedure's transitions table for review by domain owners."""

from django.core.management.base import BaseCommand

from xinfang.cases.models import Status
from xinfang.cases.workflow import TRANSITIONS
from xinfang.cases.workflow_access import RELATION_LABELS
from xinfang.cases.workflow_effects import FIELD_LABELS
from xinfang.orgs.models import Role


def _names(values, labels) -> str:
    return "、".join(labels.get(v, v) for v in values) or "—"


class Command(BaseCommand):
    help = "打印信访办理流程的状态转换表"

    def handle(self, *args, **options):
        status = dict(Status.choices)
        roles = dict(Role.choices)
        for t in TRANSITIONS:
            self.stdout.write(f"\n【{t.label}】 {t.name}  {t.article}")
            self.stdout.write(f"  从：{_names(sorted(t.sources), status)}  →  到：{status.get(t.target, '（状态不变）')}")
            self.stdout.write(f"  谁：{_names(sorted(t.roles), roles)}（{RELATION_LABELS[t.relation]}）"
                              + ("；期限届满时系统可自动办理" if t.system else ""))
            self.stdout.write(f"  需要：{_names(t.requires, FIELD_LABELS)}")
            clocks = [("启动", t.starts), ("停止", t.stops), ("取消", t.cancels), ("暂停", t.pauses),
                      ("恢复", t.resumes)]
            self.stdout.write("  期限：" + ("；".join(f"{k}{'、'.join(v)}" for k, v in clocks if v) or "—"))
            self.stdout.write(f"  信访人可见：{'是' if t.public else '否'}；告知：{t.notice or '—'}")
            if t.doc:
                self.stdout.write(f"  说明：{t.doc}")
