"""Registration forms. They turn raw input into an `actions.Registration` or
say, in Chinese, exactly what is wrong — and then nothing is saved."""

from datetime import datetime, time
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from xinfang.lib.idcard import InvalidIdNumber, validate_id_number
from xinfang.lib.phone import InvalidPhone, validate_phone
from xinfang.orgs.models import Org, Region

from .actions import GROUP_THRESHOLD, MAX_REPRESENTATIVES, PetitionerData, Registration
from .attachments import check_upload
from .models import AttachmentKind, Category, Channel, OnlineSource, Purpose, new_client_token

DATE_INPUT = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control"}, format="%Y-%m-%dT%H:%M")


def _style(form: forms.Form) -> None:
    for f in form.fields.values():
        w = f.widget
        if isinstance(w, forms.CheckboxInput):
            w.attrs.setdefault("class", "form-check-input")
        elif isinstance(w, forms.Select):
            w.attrs.setdefault("class", "form-select")
        else:
            w.attrs.setdefault("class", "form-control")


def category_choices():
    groups: dict[str, list] = {}
    for c in Category.objects.filter(parent__isnull=False).select_related("parent").order_by("code"):
        groups.setdefault(c.parent.name, []).append((c.pk, c.name))
    return [("", "请选择内容分类"), *groups.items()]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        errors, cleaned = [], []
        for f in files:
            try:
                check_upload(f)
                cleaned.append(f)
            except ValidationError as e:
                errors.extend(e.messages)
        if errors:
            raise ValidationError(errors)
        return cleaned


class CaseForm(forms.Form):
    """The fields every channel shares, plus each channel's own details."""

    client_token = forms.CharField(widget=forms.HiddenInput)
    received_at = forms.DateTimeField(label="收到时间", widget=DATETIME_INPUT,
                                      error_messages={"invalid": "请输入有效的日期和时间"})
    title = forms.CharField(label="标题", max_length=100)
    content = forms.CharField(label="信访内容", max_length=20000, widget=forms.Textarea(attrs={"rows": 6}))
    demands = forms.CharField(label="诉求", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    purpose = forms.ChoiceField(label="信访目的", choices=[("", "请选择"), *Purpose.choices])
    category = forms.TypedChoiceField(label="内容分类", coerce=int)
    issue_region = forms.CharField(label="问题属地", widget=forms.HiddenInput)
    issue_address = forms.CharField(label="问题发生地（详细）", max_length=200, required=False)
    headcount = forms.IntegerField(label="人数", min_value=1, max_value=100000, initial=1)
    is_urgent = forms.BooleanField(label="重大紧急", required=False)
    is_anonymous = forms.BooleanField(label="匿名", required=False)
    consent_publish = forms.BooleanField(label="同意公开", required=False)
    is_accusation = forms.BooleanField(label="检举控告", required=False)
    is_law_related = forms.BooleanField(label="涉法涉诉", required=False)
    is_first_time = forms.BooleanField(label="初次信访", required=False, initial=True)
    accused_org = forms.ModelChoiceField(label="被检举控告单位", queryset=Org.objects.filter(is_active=True),
                                         required=False)
    repeat_of = forms.IntegerField(required=False, widget=forms.HiddenInput)

    # 来信
    postmark_date = forms.DateField(label="邮戳日期", required=False, widget=DATE_INPUT,
                                    error_messages={"invalid": "请输入有效的邮戳日期"})
    letter_received_date = forms.DateField(label="收信日期", required=False, widget=DATE_INPUT,
                                           error_messages={"invalid": "请输入有效的收信日期"})
    scans = MultipleFileField(label="来信扫描件", required=False)
    # 来访
    receiving_officer = forms.CharField(label="接待人员", max_length=50, required=False)
    # 来电
    caller_number = forms.CharField(label="来电号码", max_length=30, required=False)
    recording = MultipleFileField(label="通话录音", required=False)
    # 网上
    online_source = forms.ChoiceField(label="网上来源", choices=OnlineSource.choices, required=False,
                                      initial=OnlineSource.PROXY)
    evidence = MultipleFileField(label="证明材料", required=False)

    def __init__(self, *args, channel: str, **kwargs):
        self.channel = channel
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["category"]).choices = category_choices()
        self.fields["received_at"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        self.fields["client_token"].initial = new_client_token()
        if channel == Channel.LETTER:
            self.fields["letter_received_date"].required = True
            self.fields["letter_received_date"].initial = timezone.localdate()
        if channel == Channel.VISIT:
            self.fields["receiving_officer"].required = True
        if channel == Channel.CALL:
            self.fields["caller_number"].required = True
        _style(self)

    FLAGS = ("is_urgent", "is_anonymous", "consent_publish", "is_accusation", "is_law_related", "is_first_time")

    @property
    def flag_fields(self):
        return [self[name] for name in self.FLAGS]

    def clean_received_at(self):
        value = self.cleaned_data["received_at"]
        if value > timezone.now() + timezone.timedelta(minutes=5):
            raise ValidationError("收到时间不能晚于当前时间")
        if value.year < 2000:
            raise ValidationError("收到时间不正确")
        return value

    def clean_category(self):
        try:
            return Category.objects.get(pk=self.cleaned_data["category"], parent__isnull=False)
        except Category.DoesNotExist:
            raise ValidationError("请选择二级内容分类") from None

    def clean_issue_region(self):
        code = self.cleaned_data["issue_region"]
        region = Region.objects.filter(pk=code).first()
        if region is None:
            raise ValidationError("请选择问题属地")
        return region

    def clean_caller_number(self):
        raw = self.cleaned_data.get("caller_number", "")
        if not raw:
            return ""
        try:
            return validate_phone(raw)
        except InvalidPhone as e:
            raise ValidationError(str(e)) from None

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        postmark, received = data.get("postmark_date"), data.get("letter_received_date")
        for label, d in (("邮戳日期", postmark), ("收信日期", received)):
            if d and d > today:
                self.add_error(None, f"{label}不能晚于今天")
        if postmark and received and postmark > received:
            self.add_error("postmark_date", "邮戳日期不能晚于收信日期")
        if data.get("is_accusation") or data.get("purpose") == Purpose.ACCUSATION:
            data["is_accusation"] = True
        return data

    def registration(self, petitioners: list[PetitionerData]) -> Registration:
        d = self.cleaned_data
        channel_fields: dict = {}
        attachments = []
        received_at = d["received_at"]
        if self.channel == Channel.LETTER:
            channel_fields = {"postmark_date": d.get("postmark_date"),
                              "letter_received_date": d["letter_received_date"]}
            attachments = [(f, AttachmentKind.SCAN) for f in d.get("scans", [])]
        elif self.channel == Channel.VISIT:
            channel_fields = {"receiving_officer": d["receiving_officer"]}
        elif self.channel == Channel.CALL:
            channel_fields = {"caller_number": d["caller_number"], "call_started_at": received_at}
            attachments = [(f, AttachmentKind.RECORDING) for f in d.get("recording", [])]
        elif self.channel == Channel.ONLINE:
            channel_fields = {"online_source": d.get("online_source") or OnlineSource.PROXY}
        attachments += [(f, AttachmentKind.EVIDENCE) for f in d.get("evidence", [])]
        return Registration(
            channel=self.channel,
            received_at=received_at,
            title=d["title"],
            content=d["content"],
            demands=d.get("demands", ""),
            purpose=d["purpose"],
            category=d["category"],
            issue_region=d["issue_region"],
            issue_address=d.get("issue_address", ""),
            headcount=d.get("headcount") or 1,
            is_urgent=d.get("is_urgent", False),
            is_anonymous=d.get("is_anonymous", False),
            consent_publish=d.get("consent_publish", False),
            is_accusation=d.get("is_accusation", False),
            is_law_related=d.get("is_law_related", False),
            is_first_time=d.get("is_first_time", False),
            accused_org=d.get("accused_org"),
            petitioners=petitioners,
            channel_fields=channel_fields,
            attachments=attachments,
            client_token=d["client_token"],
        )


class PetitionerForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50, required=False)
    id_number = forms.CharField(label="身份证号码", max_length=30, required=False)
    phone = forms.CharField(label="联系电话", max_length=30, required=False)
    address = forms.CharField(label="住址", max_length=200, required=False)
    is_lead = forms.BooleanField(label="主访人", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def clean_id_number(self):
        raw = self.cleaned_data.get("id_number", "")
        if not raw.strip():
            return ""
        try:
            return validate_id_number(raw)
        except InvalidIdNumber as e:
            raise ValidationError(str(e)) from None

    def clean_phone(self):
        raw = self.cleaned_data.get("phone", "")
        if not raw.strip():
            return ""
        try:
            return validate_phone(raw)
        except InvalidPhone as e:
            raise ValidationError(str(e)) from None

    def clean(self):
        data = super().clean()
        filled = any(data.get(k) for k in ("name", "id_number", "phone", "address"))
        if filled and not data.get("name", "").strip():
            self.add_error("name", "请填写信访人姓名")
        data["filled"] = filled
        return data


class BasePetitionerFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        people = [f.cleaned_data for f in self.forms if f.cleaned_data.get("filled")]
        self.people = people
        ids = [p["id_number"] for p in people if p.get("id_number")]
        if len(ids) != len(set(ids)):
            raise ValidationError("同一身份证号码不能重复登记")
        if sum(1 for p in people if p.get("is_lead")) > 1:
            raise ValidationError("只能指定一名主访人")


PetitionerFormSet = forms.formset_factory(
    PetitionerForm, formset=BasePetitionerFormSet, extra=0, min_num=1, max_num=10, validate_max=True
)


def petitioner_data(case_form: CaseForm, formset) -> list[PetitionerData]:
    """Cross-form rules (anonymity, group representatives) and the final list."""
    people = getattr(formset, "people", [])
    anonymous = case_form.cleaned_data.get("is_anonymous")
    if not people and not anonymous:
        raise ValidationError("请至少登记一名信访人（匿名信访请勾选“匿名”）")
    headcount = case_form.cleaned_data.get("headcount") or 1
    is_group = headcount >= GROUP_THRESHOLD
    if is_group and len(people) > MAX_REPRESENTATIVES:
        raise ValidationError(f"{GROUP_THRESHOLD}人以上的集体访最多登记{MAX_REPRESENTATIVES}名代表")
    if len(people) > headcount:
        # Co-signed letters and calls often leave 人数 at 1: count the names given.
        case_form.cleaned_data["headcount"] = len(people)
    has_lead = any(p.get("is_lead") for p in people)
    result = []
    for i, p in enumerate(people):
        result.append(
            PetitionerData(
                name=p["name"].strip(),
                id_number=p.get("id_number", ""),
                phone=p.get("phone", ""),
                address=p.get("address", "").strip(),
                is_lead=p.get("is_lead") or (not has_lead and i == 0),
                is_representative=is_group,
            )
        )
    return result


def to_aware(d, end_of_day: bool = False) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.max if end_of_day else time.min))
