"""Records the procedure produces besides events: who sent the case where,
the reply letters, extension requests and the petitioner's evaluations.
Imported by models.py so Django sees them as part of the cases app."""

from django.conf import settings
from django.db import models

from xinfang.orgs.models import Org


class AssignmentKind(models.TextChoices):
    FORWARD = "forward", "转送"
    ASSIGN = "assign", "交办"
    DELEGATE = "delegate", "转交下级办理"
    GUIDE_DOWN = "guide_down", "引导逐级走访"


class AssignmentState(models.TextChoices):
    OPEN = "open", "待处理"
    ACCEPTED = "accepted", "已受理"
    DECLINED = "declined", "不予受理"
    OBJECTED = "objected", "已提出异议"
    REPORTED = "reported", "已报告结果"


class Assignment(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="assignments")
    kind = models.CharField("方式", max_length=20, choices=AssignmentKind.choices)
    from_org = models.ForeignKey(Org, verbose_name="发出单位", on_delete=models.PROTECT, related_name="+")
    to_org = models.ForeignKey(Org, verbose_name="接收单位", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    report_back_required = models.BooleanField("需报告结果", default=False)
    report_back_due = models.DateField("报告期限", null=True, blank=True)
    instructions = models.TextField("交办要求", blank=True)
    state = models.CharField("状态", max_length=20, choices=AssignmentState.choices, default=AssignmentState.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "转送交办记录"
        verbose_name_plural = "转送交办记录"
        ordering = ["created_at", "id"]


class Outcome(models.TextChoices):
    SUPPORT = "support", "支持"
    EXPLAIN = "explain", "解释说明"
    REJECT = "reject", "不予支持"


class ReviewOutcome(models.TextChoices):
    UPHOLD = "uphold", "维持"
    REVOKE = "revoke", "撤销"
    MODIFY = "modify", "变更"


class LetterKind(models.TextChoices):
    REPLY = "reply", "答复意见书"
    REVIEW = "review", "复查意见书"
    REEXAMINE = "reexamine", "复核意见书"


class ReplyLetter(models.Model):
    """答复意见书 and the review / re-examination opinions, drafted by a handler
    and valid only once the org's leader signs it."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField("文书类型", max_length=20, choices=LetterKind.choices)
    org = models.ForeignKey(Org, verbose_name="出具单位", on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField("结论", max_length=20)
    text = models.TextField("正文")
    legal_basis = models.TextField("法律政策依据")
    rights_notice = models.TextField("救济途径告知")
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    drafted_at = models.DateTimeField()
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    signed_at = models.DateTimeField(null=True, blank=True)
    returned_note = models.TextField("退回意见", blank=True)

    class Meta:
        verbose_name = "答复文书"
        verbose_name_plural = "答复文书"
        ordering = ["drafted_at", "id"]

    @property
    def outcome_label(self) -> str:
        return outcome_label(self.outcome)


def outcome_label(outcome: str) -> str:
    """A letter's conclusion in words (答复 and 复查/复核 outcomes share the column)."""
    return _OUTCOME_LABELS.get(outcome, outcome)


_OUTCOME_LABELS = dict(Outcome.choices) | dict(ReviewOutcome.choices)


class ExtensionRequest(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="extension_requests")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    days = models.PositiveSmallIntegerField("延期天数")
    reason = models.TextField("延期理由")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+")
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    approved = models.BooleanField(null=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        verbose_name = "延期申请"
        verbose_name_plural = "延期申请"


class Rating(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASICALLY_SATISFIED = "basically_satisfied", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"


class EvaluationSource(models.TextChoices):
    SELF = "self", "信访人自评"
    PROXY = "proxy", "代为评价"
    THIRD_PARTY = "third_party", "第三方评价"


class EvaluationTarget(models.TextChoices):
    BUREAU = "bureau", "信访部门"
    HANDLER = "handler", "办理单位"


class Evaluation(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="evaluations")
    target = models.CharField("评价对象", max_length=20, choices=EvaluationTarget.choices)
    org = models.ForeignKey(Org, verbose_name="被评价单位", on_delete=models.PROTECT, related_name="+")
    rating = models.CharField("评价", max_length=30, choices=Rating.choices)
    comment = models.TextField("意见", blank=True)
    source = models.CharField("评价方式", max_length=20, choices=EvaluationSource.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    at = models.DateTimeField()

    class Meta:
        verbose_name = "评价"
        verbose_name_plural = "评价"
        constraints = [
            models.UniqueConstraint(fields=["case", "target", "source", "org"], name="evaluation_once")
        ]
