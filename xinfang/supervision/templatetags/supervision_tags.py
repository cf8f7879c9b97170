"""The notification bell and the 督办 slots on the case page and the queue."""

from django import template
from django.core.cache import cache
from django.utils import timezone

from xinfang.notifications.models import Notification

from ..models import OrderStatus
from ..scope import may_order, ordering_seats, visible_orders

register = template.Library()

BELL_TTL = 30  # seconds; the sweep writes in bulk, so a short cache keeps every page from counting


def bell_key(user_id: int) -> str:
    return f"supervision:bell:{user_id}"


def unread_count(user) -> int:
    key = bell_key(user.pk)
    n = cache.get(key)
    if n is None:
        # Counted up to 100 only: the badge says "99+" beyond, and the query stays an index scan.
        n = len(Notification.objects.filter(user=user, read_at__isnull=True).values_list("pk", flat=True)[:100])
        cache.set(key, n, BELL_TTL)
    return n


@register.inclusion_tag("supervision/_bell.html")
def notification_bell(user):
    n = unread_count(user) if getattr(user, "is_authenticated", False) else 0
    return {"unread": n, "label": "99+" if n > 99 else str(n)}


@register.simple_tag
def case_orders(user, case):
    """The case's orders the user may see, and whether they may issue one."""
    orders = list(visible_orders(user).filter(case=case).select_related("org", "issued_by_org")[:50])
    return {"orders": orders, "may_order": bool(ordering_seats(user)) and may_order(user, case.current_org),
            "today": timezone.localdate()}


@register.simple_tag
def queue_orders(user):
    """Open orders for the supervision queue: drafts to sign, reports to review,
    reports awaited and overdue report-backs — issued by my bureau or to my org."""
    today = timezone.localdate()
    seats = ordering_seats(user)
    mine = visible_orders(user).select_related("org", "issued_by_org", "case").order_by("deadline", "pk")
    issued = mine.filter(issued_by_org_id__in=[s.org_id for s in seats])
    return {
        "drafts": list(issued.filter(status=OrderStatus.DRAFT)[:100]),
        "to_review": list(issued.filter(status=OrderStatus.REPORTED)[:100]),
        "awaiting": list(mine.filter(status=OrderStatus.ISSUED, deadline__gte=today)[:100]),
        "overdue": list(mine.filter(status=OrderStatus.ISSUED, deadline__lt=today)[:100]),
        "today": today,
    }
