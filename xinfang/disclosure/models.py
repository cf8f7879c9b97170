"""What the public may read: cases published with the petitioner's consent and
a bureau's approval (masked texts frozen at approval), and policy articles.

Public pages read only `public_objects`; staff screens and the admin read
`objects` (EveryElection's public/private managers)."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone

from xinfang.orgs.models import Org, Region


class PublishedManager(models.Manager):
    """Publications the public may see: not withdrawn, and the petitioner's
    consent still on the case (were it ever revoked, the page disappears)."""

    def get_queryset(self):
        return super().get_queryset().filter(withdrawn=False, case__consent_publish=True)


class Publication(models.Model):
    """One published case. The texts are copies masked at approval time and
    edited by the approver; later edits to the case never leak into them."""

    case = models.OneToOneField("cases.Case", verbose_name="信访事项", on_delete=models.PROTECT,
                                related_name="publication")
    title = models.CharField("公开标题", max_length=100)
    content = models.TextField("信访内容（已脱敏）")
    reply_text = models.TextField("答复意见（已脱敏）")
    reply_kind = models.CharField("文书类型", max_length=20, blank=True)
    reply_outcome = models.CharField("答复结论", max_length=20, blank=True)
    reply_org = models.ForeignKey(Org, verbose_name="答复单位", null=True, on_delete=models.PROTECT,
                                  related_name="+")
    replied_at = models.DateTimeField("答复时间", null=True)
    # The county-level region of the issue: what the public filters by.
    district = models.ForeignKey(Region, verbose_name="所属区县", on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField("公开时间")
    withdrawn = models.BooleanField("已撤回", default=False)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="撤回人", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdrawn_reason = models.CharField("撤回理由", max_length=200, blank=True)

    objects = models.Manager()
    public_objects = PublishedManager()

    class Meta:
        verbose_name = "公开信访事项"
        verbose_name_plural = "公开信访事项"
        ordering = ["-approved_at", "-id"]
        indexes = [models.Index(fields=["withdrawn", "-approved_at"], name="publication_recent")]

    def __str__(self) -> str:
        return self.title

    @property
    def outcome_label(self) -> str:
        from xinfang.cases.models_procedure import Outcome, ReviewOutcome

        return (dict(Outcome.choices) | dict(ReviewOutcome.choices)).get(self.reply_outcome, self.reply_outcome)

    @property
    def kind_label(self) -> str:
        from xinfang.cases.models_procedure import LetterKind

        return dict(LetterKind.choices).get(self.reply_kind, "答复意见书")


class ArticleCategory(models.TextChoices):
    REGULATION = "regulation", "法规解读"
    POLICY = "policy", "政策解读"
    QA = "qa", "政策问答"
    GUIDE = "guide", "办事指引"


class PublicArticleManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(is_published=True, published_at__lte=Now())


class Article(models.Model):
    """A policy interpretation (政策解读). The body is plain text: blank lines
    separate paragraphs; nothing in it is ever rendered as HTML."""

    title = models.CharField("标题", max_length=200)
    category = models.CharField("栏目", max_length=20, choices=ArticleCategory.choices,
                                default=ArticleCategory.POLICY)
    body = models.TextField("正文", help_text="纯文本，段落之间空一行；不支持 HTML")
    is_published = models.BooleanField("发布", default=False)
    published_at = models.DateTimeField("发布时间", null=True, blank=True,
                                        help_text="勾选“发布”而未填写时，保存时取当前时间；填写将来时间则到时自动公开")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="作者", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = models.Manager()
    public_objects = PublicArticleManager()

    class Meta:
        verbose_name = "政策解读"
        verbose_name_plural = "政策解读"
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(is_published=False) | models.Q(published_at__isnull=False),
                                   name="article_published_has_date"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        # Ticking "发布" without a date publishes now (runs before the constraint check).
        if self.is_published and self.published_at is None:
            self.published_at = timezone.now()

    @property
    def excerpt(self) -> str:
        text = " ".join(self.body.split())
        return text if len(text) <= 80 else text[:80] + "…"
