"""Cases (信访事项), the submissions that make them, the people behind them and
the append-only timeline. Status is only ever written together with an event
(see actions.py); nothing here changes it on its own."""

import secrets
import time
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

from xinfang.lib.fields import EncryptedTextField
from xinfang.orgs.models import Org, Region

if TYPE_CHECKING:
    from xinfang.rules.models import Clock


class Channel(models.TextChoices):
    LETTER = "letter", "来信"
    VISIT = "visit", "来访"
    CALL = "call", "来电"
    ONLINE = "online", "网上"


class OnlineSource(models.TextChoices):
    WEB = "web", "网站"
    MOBILE = "mobile", "手机"
    MAILBOX = "mailbox", "领导信箱"
    KIOSK = "kiosk", "触摸屏"
    PROXY = "proxy", "代为录入"


class Purpose(models.TextChoices):
    CLAIM = "claim", "求决"
    APPEAL = "appeal", "申诉"
    SUGGESTION = "suggestion", "意见建议"
    ACCUSATION = "accusation", "揭发控告"
    INQUIRY = "inquiry", "咨询"
    OTHER = "other", "其他"


class Status(models.TextChoices):
    REGISTERED = "registered", "已登记待处理"
    FORWARDED = "forwarded", "已转送待受理"
    ASSIGNED = "assigned", "已交办待受理"
    ACCEPTED = "accepted", "已受理办理中"
    REPLY_PENDING = "reply_pending", "答复待签发"
    DECLINED = "declined", "不予受理"
    REDIRECTED = "redirected", "已告知其他途径"
    REPLIED = "replied", "已答复"
    REVIEWING = "reviewing", "复查中"
    REVIEWED = "reviewed", "已复查"
    REEXAMINING = "reexamining", "复核中"
    TERMINATED = "terminated", "已终结"
    CLOSED = "closed", "已归档"
    REFUSED_REPEAT = "refused_repeat", "不再受理"
    MERGED = "merged", "已并入其他事项"


class Category(models.Model):
    """Two-level content taxonomy (内容分类)."""

    code = models.CharField("编码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=50)
    parent = models.ForeignKey(
        "self", verbose_name="上级分类", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    keywords = models.TextField("关键词", blank=True, help_text="以空格分隔，用于无训练数据时的分类建议")

    class Meta:
        verbose_name = "内容分类"
        verbose_name_plural = "内容分类"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent_id and self.parent else self.name


class Petitioner(models.Model):
    """A person. ID number, phone and address are encrypted at rest; the blind
    indexes (keyed HMAC-SM3) let us find the same person again without
    decrypting anything."""

    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=1, blank=True, choices=[("M", "男"), ("F", "女")])
    id_number = EncryptedTextField("身份证号码", blank=True)
    # Indexed by petitioner_unique_id and petitioner_phone (Meta), not db_index: on
    # PostgreSQL that adds a second (LIKE) index, written at random places on every
    # registration, never read.
    id_number_index = models.CharField(max_length=64, blank=True, editable=False)
    phone = EncryptedTextField("联系电话", blank=True)
    phone_index = models.CharField(max_length=64, blank=True, editable=False)
    address = EncryptedTextField("住址", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "信访人"
        verbose_name_plural = "信访人"
        # No plain index on id_number_index: petitioner_unique_id serves every lookup
        # by a given ID number (= and IN lists of up to 100 on PostgreSQL, which
        # proves the partial condition only for those); each random-keyed index
        # costs every registration a page read and a full-page log write.
        indexes = [models.Index(fields=["phone_index"], name="petitioner_phone")]
        constraints = [
            # One row per real person: two registrars typing the same ID at once
            # must not create two people.
            models.UniqueConstraint(
                fields=["id_number_index"], condition=~models.Q(id_number_index=""), name="petitioner_unique_id"
            )
        ]

    def __str__(self) -> str:
        from xinfang.lib.masking import mask_name

        return mask_name(self.name)

    def save(self, *args, **kwargs):
        self.set_indexes()
        super().save(*args, **kwargs)

    def set_indexes(self) -> None:
        from xinfang.lib.crypto import index_field

        self.id_number_index = index_field(self.id_number) if self.id_number else ""
        self.phone_index = index_field(self.phone) if self.phone else ""


def new_client_token() -> str:
    """A form's idempotency key (Submission.client_token): 32 hex digits, the
    first 12 the time in milliseconds, the other 20 random (80 bits: not to be
    guessed). Time first, so each new submission's entry in the unique index
    lands beside the last ones: a random key (uuid4) puts every insert on a
    leaf page of its own, which PostgreSQL must read in and, the first time
    after each checkpoint, write to its log whole (8 kB)."""
    return f"{time.time_ns() // 1_000_000:012x}{secrets.token_hex(10)}"


def new_query_code() -> str:
    # 12 symbols from a 31-letter alphabet without look-alikes: ~59 bits, far
    # beyond guessing, and still easy to read out over the phone.
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(12))


class Case(models.Model):
    # Unique by the constraints in Meta, not unique=True: on PostgreSQL that would
    # add a second (LIKE) index to each, written on every registration, never read.
    number = models.CharField("信访事项编号", max_length=32)
    query_code = models.CharField("查询码", max_length=16, default=new_query_code)
    # Never looked up by (only the county's counter row is): no index to write.
    numbering_region = models.ForeignKey(
        Region, verbose_name="编号区划", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    title = models.CharField("标题", max_length=100)
    content = models.TextField("信访内容")
    demands = models.TextField("诉求", blank=True)
    purpose = models.CharField("信访目的", max_length=20, choices=Purpose.choices)
    # No index of its own: case_category_recent leads with it.
    category = models.ForeignKey(Category, verbose_name="内容分类", on_delete=models.PROTECT, related_name="cases",
                                 db_index=False)
    issue_region = models.ForeignKey(
        Region, verbose_name="问题属地", on_delete=models.PROTECT, related_name="cases"
    )
    issue_address = models.CharField("问题发生地", max_length=200, blank=True)
    channel = models.CharField("信访形式", max_length=10, choices=Channel.choices)
    headcount = models.PositiveIntegerField("人数", default=1)

    is_group = models.BooleanField("集体访", default=False)
    is_urgent = models.BooleanField("重大紧急", default=False)
    is_anonymous = models.BooleanField("匿名", default=False)
    consent_publish = models.BooleanField("同意公开", default=False)
    is_accusation = models.BooleanField("检举控告", default=False)
    is_law_related = models.BooleanField("涉法涉诉", default=False)
    is_first_time = models.BooleanField("初次信访", default=True)
    is_level_skipping = models.BooleanField("越级走访", default=False)
    simple_procedure = models.BooleanField("简易办理", default=False)
    merged_into = models.ForeignKey(
        "self", verbose_name="并入事项", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_cases"
    )
    accused_org = models.ForeignKey(
        Org, verbose_name="被检举控告单位", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.REGISTERED)
    registered_org = models.ForeignKey(Org, verbose_name="登记单位", on_delete=models.PROTECT, related_name="+")
    # No index of its own: case_current_org_recent leads with it.
    current_org = models.ForeignKey(Org, verbose_name="当前办理单位", on_delete=models.PROTECT, related_name="+",
                                    db_index=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_at = models.DateTimeField("登记时间")  # indexed by case_recent (and the other *_recent)
    rule_set = models.CharField("适用规则", max_length=20, default="2022")
    next_due_at = models.DateTimeField("最近期限", null=True, blank=True)
    submission_count = models.PositiveIntegerField("信访件数", default=1)

    # jieba-segmented title + content + demands, space-separated. The full-text
    # indexes (SQLite FTS5 table, PostgreSQL tsvector column) are built from it.
    search_text = models.TextField(blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    petitioners = models.ManyToManyField(Petitioner, through="CasePetitioner", related_name="cases")

    class Meta:
        verbose_name = "信访事项"
        verbose_name_plural = "信访事项"
        indexes = [
            models.Index(fields=["-registered_at", "-id"], name="case_recent"),
            models.Index(fields=["current_org", "-registered_at", "-id"], name="case_current_org_recent"),
            models.Index(fields=["issue_region", "-registered_at"], name="case_region_recent"),
            models.Index(fields=["status", "-registered_at"], name="case_status_recent"),
            # Routing suggestions read past cases of one category in a period.
            models.Index(fields=["category", "-registered_at"], name="case_category_recent"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="case_number_unique"),
            models.UniqueConstraint(fields=["query_code"], name="case_query_code_unique"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def lead(self) -> "Petitioner | None":
        link = next((cp for cp in self.petitioner_links.all() if cp.is_lead), None)
        return link.petitioner if link else None


class CasePetitioner(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="petitioner_links")
    petitioner = models.ForeignKey(Petitioner, on_delete=models.PROTECT, related_name="case_links")
    is_lead = models.BooleanField("主访人", default=False)
    is_representative = models.BooleanField("代表", default=False)

    class Meta:
        verbose_name = "信访人关联"
        verbose_name_plural = "信访人关联"
        constraints = [models.UniqueConstraint(fields=["case", "petitioner"], name="case_petitioner_unique")]


class CaseCounter(models.Model):
    """Last number handed out per region and year. Incremented with one
    UPDATE … RETURNING so concurrent registrations never share a number."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="case_counter_unique")]


class CaseOrg(models.Model):
    """Every org that has touched a case (registered, received, handled …).
    `visible_cases` reads this one table instead of walking assignments."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="involvements")
    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="case_involvements")
    relation = models.CharField(max_length=20)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "case"], name="case_org_unique")]


class Submission(models.Model):
    """One contact through one channel. A repeat is a submission on an existing case."""

    # Not a column: register_case leaves the new case's first clock here, for the
    # receipt that answers the submission (portal.receipt) to quote without a query.
    first_clock: "Clock | None" = None

    case = models.ForeignKey(Case, verbose_name="信访事项", on_delete=models.PROTECT, related_name="submissions")
    channel = models.CharField("信访形式", max_length=10, choices=Channel.choices)
    received_at = models.DateTimeField("收到时间")
    received_by_org = models.ForeignKey(Org, verbose_name="收件单位", on_delete=models.PROTECT, related_name="+")
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    content = models.TextField("来件内容")
    is_repeat = models.BooleanField("重复件", default=False)
    petitioners = models.ManyToManyField(Petitioner, verbose_name="信访人", related_name="submissions")
    # Idempotency: the token a form carries. A double click or a retried POST
    # finds the submission it already made instead of making another.
    # Unique by submission_client_token (Meta), without the LIKE index unique=True adds.
    client_token = models.CharField(max_length=64, null=True, blank=True, editable=False)

    # 来信
    postmark_date = models.DateField("邮戳日期", null=True, blank=True)
    letter_received_date = models.DateField("收信日期", null=True, blank=True)
    # 来访
    headcount = models.PositiveIntegerField("来访人数", null=True, blank=True)
    receiving_officer = models.CharField("接待人员", max_length=50, blank=True)
    # 来电
    caller_number = EncryptedTextField("来电号码", blank=True)
    call_started_at = models.DateTimeField("来电时间", null=True, blank=True)
    # 网上
    online_source = models.CharField("网上来源", max_length=10, choices=OnlineSource.choices, blank=True)

    class Meta:
        verbose_name = "信访件"
        verbose_name_plural = "信访件"
        ordering = ["received_at", "id"]
        constraints = [models.UniqueConstraint(fields=["client_token"], name="submission_client_token")]


class AttachmentKind(models.TextChoices):
    SCAN = "scan", "来信扫描件"
    RECORDING = "recording", "通话录音"
    EVIDENCE = "evidence", "证明材料"
    OTHER = "other", "其他"


def attachment_path(instance: "Attachment", filename: str) -> str:
    # Never the user's file name on disk: a random name, the original kept in the row.
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"attachments/{instance.uploaded_at:%Y/%m}/{secrets.token_hex(16)}.{ext}"


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    kind = models.CharField("类型", max_length=20, choices=AttachmentKind.choices, default=AttachmentKind.OTHER)
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField("大小")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["uploaded_at", "id"]


class CaseEvent(models.Model):
    """Append-only timeline: the only record of what happened to a case."""

    # A case's events are found by event_case_at (case, at): no index of its own.
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events", db_index=False)
    at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    org = models.ForeignKey(Org, verbose_name="单位", null=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField("操作", max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.TextField("说明", blank=True)
    payload = models.JSONField(default=dict, blank=True)
    is_public = models.BooleanField("公开", default=False)

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="event_case_at")]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("CaseEvent is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("CaseEvent is append-only")


from .models_procedure import (  # noqa: E402,F401 - registers the procedure models with this app
    Assignment,
    Evaluation,
    ExtensionRequest,
    ReplyLetter,
)
