from django.urls import path

from . import views, views_orders

app_name = "supervision"

urlpatterns = [
    path("", views.queue_page, name="queue"),
    path("notifications/", views.notifications_page, name="notifications"),
    path("notifications/read/", views.mark_read, name="read_all"),
    path("notifications/<int:pk>/read/", views.mark_read, name="read"),
    path("orders/", views_orders.order_list, name="orders"),
    path("orders/new/", views_orders.order_new, name="order_new"),
    path("orders/<int:pk>/", views_orders.order_detail, name="order"),
    path("orders/<int:pk>/issue/", views_orders.order_issue, name="order_issue"),
    path("orders/<int:pk>/report/", views_orders.order_report, name="order_report"),
    path("orders/<int:pk>/close/", views_orders.order_close, name="order_close"),
    path("orders/<int:pk>/send-back/", views_orders.order_send_back, name="order_send_back"),
    path("orders/<int:pk>/withdraw/", views_orders.order_withdraw, name="order_withdraw"),
    path("orders/<int:pk>/urge/", views_orders.order_urge, name="order_urge"),
    path("orders/<int:pk>/attachment/", views_orders.order_attachment, name="order_attachment"),
    path("notices/", views_orders.notices, name="notices"),
    path("notices/<int:pk>/", views_orders.notice_detail, name="notice"),
]
