"""Staff screens: the supervision queue and the notification bell."""

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from xinfang.notifications.models import Notification

from .queue import may_supervise, supervision_queue
from .templatetags.supervision_tags import bell_key

BELL_LIMIT = 100


@login_required
@require_GET
def queue_page(request):
    if not may_supervise(request.user):
        raise PermissionDenied("仅督查人员和领导可以查看督办队列")
    now = timezone.now()
    return render(request, "supervision/queue.html", {"queue": supervision_queue(request.user, now), "now": now})


@login_required
@require_GET
def notifications_page(request):
    mine = Notification.objects.filter(user=request.user).select_related("case")
    return render(request, "supervision/notifications.html", {
        "notifications": mine[:BELL_LIMIT],
        "unread": mine.filter(read_at__isnull=True).count(),
    })


@login_required
@require_POST
def mark_read(request, pk: int | None = None):
    """Marks one notification (or, without pk, all) as read. Someone else's
    notification answers like a missing one: nothing changes."""
    mine = Notification.objects.filter(user=request.user, read_at__isnull=True)
    if pk is not None:
        mine = mine.filter(pk=pk)
    mine.update(read_at=timezone.now())
    cache.delete(bell_key(request.user.pk))
    return redirect("supervision:notifications")
