"""Which reports the worker makes on its own: after each month and quarter
ends, one per petition bureau at county level or above, for its region.
Idempotent: the unique (kind, period, scope) row is claimed before building."""

from datetime import datetime

from django.utils import timezone

from xinfang.orgs.models import Org, OrgKind

from ..models import Report, ReportKind, ReportStatus
from ..periods import add_months, month_start, quarter_of
from .build import build


def ended_periods(now: datetime) -> list[tuple[str, str]]:
    """The month and the quarter that ended most recently."""
    this_month = month_start(timezone.localtime(now).date())
    last_month = add_months(this_month, -1)
    quarter_start = this_month.replace(month=(this_month.month - 1) // 3 * 3 + 1)
    return [(ReportKind.MONTHLY, f"{last_month:%Y-%m}"), (ReportKind.QUARTERLY, quarter_of(add_months(quarter_start, -1)))]


def generate_due(now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    made = built = 0
    bureaus = Org.objects.filter(kind=OrgKind.BUREAU, is_active=True, region__level__lte=3).select_related("region")
    for kind, period in ended_periods(now):
        for org in bureaus:
            report, created = Report.objects.get_or_create(kind=kind, period=period, scope_region=org.region,
                                                           defaults={"org": org})
            made += created
            if report.status == ReportStatus.QUEUED and build(report.pk) == "done":
                built += 1
    return {"created": made, "built": built}
