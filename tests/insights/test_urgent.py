"""Urgent-content (扬言) alerts on new submissions."""

import csv

import pytest

from xinfang.cases.models import Case
from xinfang.insights.models import Alert
from xinfang.insights.urgent import SAMPLE_PATH, classify, raise_alert, scan
from xinfang.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def lx_bosses(make_user):
    return make_user("lx_bureau", "leader"), make_user("lx_bureau", "supervisor")


def test_it_alerts_once_on_a_threat_and_tells_the_leaders_and_supervisors(client, lx_registrar, lx_bosses,
                                                                           registration_post):
    client.force_login(lx_registrar)
    post = registration_post("visit", content="拆迁款一直不给，再不解决我就从区政府楼上跳下去，我不想活了。")
    assert client.post("/cases/new/visit/", post).status_code == 302
    case = Case.objects.get()
    alert = Alert.objects.get()
    assert (alert.case, alert.kind, alert.level) == (case, "self_harm", "red")
    assert {m["word"] for m in alert.matches} >= {"不想活了"}
    leader, supervisor = lx_bosses
    for user in (leader, supervisor):
        note = Notification.objects.get(user=user, kind="content_alert")
        assert note.is_urgent and case.number in note.text and "张三" not in note.text
    assert not Notification.objects.filter(user=lx_registrar, kind="content_alert").exists()
    # The same submission again (a retried hook) changes nothing.
    raise_alert(case, case.submissions.get(), is_new_case=True)
    assert Alert.objects.count() == 1
    assert Notification.objects.filter(kind="content_alert").count() == 2
    # The case page shows it to those who see the case.
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="insights-alerts"' in page and "不想活了" in page


def test_ordinary_and_negated_text_raises_nothing(client, lx_registrar, lx_bosses, registration_post):
    client.force_login(lx_registrar)
    client.post("/cases/new/letter/", registration_post("letter"))
    client.post("/cases/new/letter/", registration_post(
        "letter", content="商场跳楼价甩卖噪音扰民；我们绝不会采取过激行为，只希望依法处理。"))
    assert Case.objects.count() == 2
    assert not Alert.objects.exists()
    assert not Notification.objects.filter(kind="content_alert").exists()


def test_a_gathering_threat_is_an_orange_alert():
    assert classify(scan("公司再不发工资，我们就集体到市政府门口拉横幅。")) == ("gathering", "orange")
    assert classify(scan("这样下去一家人真的活不下去了")) == ("self_harm", "orange")
    assert classify(scan("不要去堵路，我们相信政府")) is None


def test_the_hand_labelled_sample_is_classified_with_high_precision_and_recall():
    rows = list(csv.DictReader(SAMPLE_PATH.open(encoding="utf-8")))
    fired = [(bool(scan(r["text"])), r["label"] == "1") for r in rows]
    tp = sum(f and lab for f, lab in fired)
    precision = tp / sum(f for f, _ in fired)
    recall = tp / sum(lab for _, lab in fired)
    assert len(rows) >= 40 and precision >= 0.9 and recall >= 0.9


def test_alerts_are_listed_as_warnings_only_for_those_who_see_the_case(client, lx_registrar, lx_bosses, make_user,
                                                                       registration_post):
    from django.utils import timezone

    from xinfang.insights.api import active_warnings

    client.force_login(lx_registrar)
    client.post("/cases/new/letter/", registration_post("letter", content="再不给说法，我们就集体上访，去市政府静坐。"))
    case = Case.objects.get()
    today = timezone.localdate()
    leader, _ = lx_bosses
    urgent = [w for w in active_warnings(leader, today, today) if w["kind"] == "urgent"]
    assert len(urgent) == 1 and case.number in urgent[0]["title"] and urgent[0]["level"] == "orange"
    assert urgent[0]["url"] == f"/cases/{case.pk}/"
    assert active_warnings(make_user("jy_bureau", "leader"), today, today) == []
