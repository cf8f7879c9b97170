from django.urls import path

from . import views_home, views_kiosk, views_petition, views_track

app_name = "portal"

urlpatterns = [
    path("", views_home.home, name="home"),
    # 网上信访
    path("petition/", views_petition.petition, name="petition"),
    path("petition/sms-code/", views_petition.sms_code, name="sms_code"),
    path("petition/regions/", views_petition.region_options, name="region_options"),
    path("petition/receipt/<str:token>/", views_petition.receipt, name="receipt"),
    # 进度查询、评价、复查复核
    path("track/", views_track.track, name="track"),
    path("track/leave/", views_track.leave, name="track_leave"),
    path("track/<str:key>/", views_track.track_case, name="track_case"),
    path("track/<str:key>/evaluate/", views_track.evaluate, name="evaluate"),
    path("track/<str:key>/review/", views_track.review, name="review"),
    # 电子触摸屏
    path("kiosk/", views_kiosk.home, name="kiosk_home"),
    path("kiosk/petition/", views_kiosk.petition, name="kiosk_petition"),
    path("kiosk/receipt/<str:token>/", views_kiosk.receipt, name="kiosk_receipt"),
    path("kiosk/track/", views_kiosk.track, name="kiosk_track"),
    path("kiosk/track/<str:key>/", views_kiosk.case, name="kiosk_case"),
    path("kiosk/guide/", views_kiosk.guide, name="kiosk_guide"),
    path("kiosk/reset/", views_kiosk.reset, name="kiosk_reset"),
]
