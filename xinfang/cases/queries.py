"""Read side of cases: inbox filters and keyset pagination.

Pages are cut by (registered_at, id) instead of OFFSET, so page 5,000 costs the
same as page 1 on a million rows; the total is counted only up to a cap."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django import forms
from django.db.models import Q, QuerySet

from xinfang.orgs.access import involved_org_ids, region_scopes, visibility_parts, visible_cases
from xinfang.orgs.models import Region

from .models import Case, Category, Channel, Status
from .search import filter_by_text

PAGE_SIZE = 20
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
COUNT_CAP = 1000


class InboxFilter(forms.Form):
    scope = forms.ChoiceField(choices=[("mine", "待本单位办理"), ("all", "全部可见")], required=False)
    q = forms.CharField(label="全文检索", required=False, max_length=100)
    status = forms.ChoiceField(label="状态", choices=[("", "全部状态"), *Status.choices], required=False)
    channel = forms.ChoiceField(label="信访形式", choices=[("", "全部形式"), *Channel.choices], required=False)
    category = forms.CharField(label="内容分类", required=False)
    region = forms.CharField(label="问题属地", required=False)
    date_from = forms.DateField(label="起始日期", required=False,
                                widget=forms.DateInput(attrs={"type": "date"}),
                                error_messages={"invalid": "起始日期无效"})
    date_to = forms.DateField(label="截止日期", required=False,
                              widget=forms.DateInput(attrs={"type": "date"}),
                              error_messages={"invalid": "截止日期无效"})

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        cats = Category.objects.filter(parent__isnull=True).order_by("code")
        self.fields["category"].widget = forms.Select(choices=[("", "全部分类"), *[(c.code, c.name) for c in cats]])
        self.fields["region"].widget = forms.Select(choices=[("", "全部区域"), *region_filter_choices(user)])
        for f in self.fields.values():
            cls = "form-select form-select-sm" if isinstance(f.widget, forms.Select) else "form-control form-control-sm"
            f.widget.attrs.setdefault("class", cls)


def region_filter_choices(user) -> list[tuple[str, str]]:
    """The regions a viewer can narrow to: their scope and two levels below it."""
    scopes = sorted(region_scopes(user)) if user is not None else []
    if not scopes:
        return []
    choices = []
    for code in scopes:
        top = Region.objects.filter(pk=code).first()
        if top is None:
            continue
        choices.append((top.code, top.name))
        for child in Region.objects.filter(parent=top).order_by("code"):
            choices.append((child.code, "　" + child.name))
            if top.level >= 2:
                for grandchild in Region.objects.filter(parent=child).order_by("code"):
                    choices.append((grandchild.code, "　　" + grandchild.name))
    return choices


def filtered_cases(user, data: dict) -> QuerySet[Case]:
    return _filter(visible_cases(user), user, data)


def filtered_parts(user, data: dict) -> list[QuerySet[Case]]:
    """The same cases as `filtered_cases`, as one queryset per visibility part."""
    return [_filter(Case.objects.filter(part), user, data) for part in visibility_parts(user)]


def _filter(qs: QuerySet[Case], user, data: dict) -> QuerySet[Case]:
    if data.get("scope", "mine") != "all":
        qs = qs.filter(current_org_id__in=involved_org_ids(user))
    if data.get("status"):
        qs = qs.filter(status=data["status"])
    if data.get("channel"):
        qs = qs.filter(channel=data["channel"])
    if data.get("category"):
        qs = qs.filter(Q(category__code=data["category"]) | Q(category__parent__code=data["category"]))
    if data.get("region"):
        code = data["region"]
        qs = qs.filter(issue_region_id__gte=code, issue_region_id__lt=code + "\uffff")
    if data.get("date_from"):
        qs = qs.filter(registered_at__date__gte=data["date_from"])
    if data.get("date_to"):
        qs = qs.filter(registered_at__date__lte=data["date_to"])
    if data.get("q"):
        qs = filter_by_text(qs, data["q"])
    return qs


@dataclass
class Page:
    rows: list[Case]
    next_cursor: str | None
    prev_cursor: str | None
    count: int
    count_capped: bool


def _cursor(case: Case) -> str:
    # Microseconds since the epoch: URL-safe, exact, and timezone-free.
    delta = case.registered_at - EPOCH
    return f"{(delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds}_{case.pk}"


def _parse_cursor(raw: str | None) -> tuple[datetime, int] | None:
    micros, _, pk = (raw or "").partition("_")
    if not micros.lstrip("-").isdigit() or not pk.isdigit():
        return None
    try:
        return EPOCH + timedelta(microseconds=int(micros)), int(pk)
    except OverflowError:
        return None


def keyset_page(qs: QuerySet[Case] | list[QuerySet[Case]], after: str | None = None, before: str | None = None,
                size: int = PAGE_SIZE) -> Page:
    """One page of cases, newest first. Given several querysets (the parts of a
    user's visibility), each is paged on its own index and the pages merged."""
    parts = qs if isinstance(qs, list) else [qs]
    if not parts:
        return Page(rows=[], next_cursor=None, prev_cursor=None, count=0, count_capped=False)
    pages = [_keyset_one(p, after, before, size) for p in parts]
    newest_first = _parse_cursor(before) is None
    merged: dict[int, Case] = {}
    for rows, _, _ in pages:
        for c in rows:
            merged.setdefault(c.pk, c)
    ordered = sorted(merged.values(), key=lambda c: (c.registered_at, c.pk), reverse=newest_first)
    more = len(ordered) > size or any(more for _, more, _ in pages)
    rows = ordered[:size]
    if not newest_first:
        rows.reverse()
    has_older = more if newest_first else True
    has_newer = (after is not None) if newest_first else more
    # Region parts (last) are the cheap ones to count and usually the biggest:
    # once one reaches the cap, the total is "1000+" whatever the others hold.
    counts = []
    for p in reversed(parts):
        counts.append(p.order_by()[: COUNT_CAP + 1].count())
        if counts[-1] > COUNT_CAP:
            break
    if len(parts) > 1 and max(counts) <= COUNT_CAP:
        union = Case.objects.filter(pk__in=[c for p in parts for c in p.order_by().values_list("pk", flat=True)])
        counts = [union.count()]
    count = max(counts)
    return Page(
        rows=rows,
        next_cursor=_cursor(rows[-1]) if rows and has_older else None,
        prev_cursor=_cursor(rows[0]) if rows and has_newer else None,
        count=min(count, COUNT_CAP),
        count_capped=count > COUNT_CAP,
    )


def _keyset_one(qs: QuerySet[Case], after: str | None, before: str | None, size: int):
    """(rows in page order, whether more exist beyond, _) for one queryset."""
    qs = qs.select_related("category", "category__parent", "issue_region", "current_org")
    a, b = _parse_cursor(after), _parse_cursor(before)
    if b:
        when, pk = b
        rows = list(
            qs.filter(Q(registered_at__gt=when) | Q(registered_at=when, pk__gt=pk))
            .order_by("registered_at", "pk")[: size + 1]
        )
        return rows[:size], len(rows) > size, None
    page_qs = qs.order_by("-registered_at", "-pk")
    if a:
        when, pk = a
        page_qs = page_qs.filter(Q(registered_at__lt=when) | Q(registered_at=when, pk__lt=pk))
    rows = list(page_qs[: size + 1])
    return rows[:size], len(rows) > size, None


def region_children(code: str | None) -> list[Region]:
    if not code:
        return list(Region.objects.filter(level=1))
    return list(Region.objects.filter(parent_id=code))
