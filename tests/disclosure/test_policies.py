"""Policy interpretation articles (政策解读): written by staff in the admin,
public once published, plain text always."""

from datetime import timedelta

import pytest
from django.utils import timezone

from xinfang.disclosure.models import Article

pytestmark = pytest.mark.django_db


def article(title="《信访工作条例》解读", body="第一段。\n\n第二段第一行\n第二行", **fields):
    fields.setdefault("is_published", True)
    fields.setdefault("published_at", timezone.now() - timedelta(days=1))
    return Article.objects.create(title=title, body=body, **fields)


def test_it_lists_and_shows_published_articles(client):
    a = article(category="regulation")
    html = client.get("/open/policies/").content.decode()
    assert "《信访工作条例》解读" in html and "法规解读" in html
    detail = client.get(f"/open/policies/{a.pk}/").content.decode()
    assert "<p>第一段。</p>" in detail and "<p>第二段第一行<br>第二行</p>" in detail


def test_it_keeps_drafts_and_future_articles_private(client):
    draft = article(title="草稿", is_published=False, published_at=None)
    future = article(title="明天发布", published_at=timezone.now() + timedelta(days=1))
    html = client.get("/open/policies/").content.decode()
    assert "草稿" not in html and "明天发布" not in html
    assert client.get(f"/open/policies/{draft.pk}/").status_code == 404
    assert client.get(f"/open/policies/{future.pk}/").status_code == 404
    assert client.get("/open/policies/999999/").status_code == 404


def test_it_filters_by_category(client):
    article(title="条例条文解读", category="regulation")
    article(title="来访须知", category="guide")
    html = client.get("/open/policies/?category=guide").content.decode()
    assert "来访须知" in html and "条例条文解读" not in html
    html = client.get("/open/policies/?category=bogus").content.decode()  # ignored
    assert "来访须知" in html and "条例条文解读" in html


def test_it_renders_markup_in_articles_as_text(client):
    a = article(title="<b>标题</b>", body='<script>alert("x")</script>\n\n<a href="javascript:x">链接</a>')
    list_html = client.get("/open/policies/").content.decode()
    html = client.get(f"/open/policies/{a.pk}/").content.decode()
    assert "<script>alert" not in html and '<a href="javascript' not in html and "<b>标题</b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html and "&lt;b&gt;标题&lt;/b&gt;" in html
    assert "<script>alert" not in list_html and "&lt;b&gt;标题&lt;/b&gt;" in list_html


def test_it_lets_staff_publish_from_the_admin(client, make_user):
    from django.contrib.auth.models import Permission

    editor = make_user("wx_bureau", "registrar")
    editor.is_staff = True
    editor.save()
    editor.user_permissions.add(*Permission.objects.filter(codename__in=["add_article", "change_article",
                                                                          "view_article"]))
    client.force_login(editor)
    response = client.post("/admin/disclosure/article/add/", {
        "title": "关于网上信访的说明", "category": "guide", "body": "网上信访可凭查询码查询办理进度。",
        "is_published": "on", "published_at_0": "", "published_at_1": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    a = Article.objects.get()
    assert a.author == editor and a.is_published and a.published_at is not None
    assert "关于网上信访的说明" in client.get("/open/policies/").content.decode()
