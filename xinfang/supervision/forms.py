"""Forms of the 督办 pages. Errors are in Chinese; actions re-check everything."""

from django import forms

from .models import UrgeChannel

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"})
TEXT = {"class": "form-control"}

MAX_UPLOAD = 10 * 1024 * 1024
ALLOWED_SUFFIXES = (".pdf", ".doc", ".docx", ".jpg", ".jpeg", ".png", ".xls", ".xlsx", ".ofd")


class OrderForm(forms.Form):
    org: forms.ModelChoiceField = forms.ModelChoiceField(label="督办对象", queryset=None, empty_label="请选择单位",
                                 error_messages={"required": "请选择督办对象", "invalid_choice": "不能向该单位下发督办单"},
                                 widget=forms.Select(attrs={"class": "form-select"}))
    title = forms.CharField(label="督办事由", max_length=100, widget=forms.TextInput(attrs=TEXT),
                            error_messages={"required": "请填写督办事由", "max_length": "督办事由不能超过100字"})
    requirements = forms.CharField(label="督办要求", max_length=2000, widget=forms.Textarea(attrs={**TEXT, "rows": 5}),
                                   error_messages={"required": "请填写督办要求", "max_length": "督办要求不能超过2000字"})
    deadline = forms.DateField(label="反馈期限", widget=DATE,
                               error_messages={"required": "请填写反馈期限", "invalid": "日期格式不正确"})

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs  # type: ignore[attr-defined]


class ReportForm(forms.Form):
    text = forms.CharField(label="反馈情况", max_length=2000, widget=forms.Textarea(attrs={**TEXT, "rows": 4}),
                           error_messages={"required": "请填写反馈情况", "max_length": "反馈情况不能超过2000字"})
    attachment = forms.FileField(label="附件（可选）", required=False,
                                 widget=forms.ClearableFileInput(attrs={"class": "form-control"}))

    def clean_attachment(self):
        f = self.cleaned_data.get("attachment")
        if f:
            if f.size > MAX_UPLOAD:
                raise forms.ValidationError("附件不能超过10MB")
            if not f.name.lower().endswith(ALLOWED_SUFFIXES):
                raise forms.ValidationError("附件只能是 PDF、Word、Excel、OFD 或图片")
        return f


class NoteForm(forms.Form):
    note = forms.CharField(label="意见", max_length=2000, required=False,
                           widget=forms.Textarea(attrs={**TEXT, "rows": 2}))


class SendBackForm(forms.Form):
    note = forms.CharField(label="退回意见", max_length=2000, widget=forms.Textarea(attrs={**TEXT, "rows": 2}),
                           error_messages={"required": "请填写退回意见"})
    deadline = forms.DateField(label="新的反馈期限（可选）", required=False, widget=DATE,
                               error_messages={"invalid": "日期格式不正确"})


class UrgeForm(forms.Form):
    text = forms.CharField(label="催办内容", max_length=2000, widget=forms.Textarea(attrs={**TEXT, "rows": 2}),
                           error_messages={"required": "请填写催办内容"})
    channel = forms.ChoiceField(label="催办方式", choices=UrgeChannel.choices, initial=UrgeChannel.SYSTEM,
                                widget=forms.Select(attrs={"class": "form-select"}))


class NoticeForm(forms.Form):
    month = forms.CharField(label="通报月份", max_length=7, widget=forms.TextInput(attrs={**TEXT, "type": "month"}),
                            error_messages={"required": "请选择通报月份"})
    worst = forms.IntegerField(label="通报单位数", min_value=1, max_value=50, initial=5,
                               widget=forms.NumberInput(attrs=TEXT),
                               error_messages={"min_value": "至少通报1个单位", "max_value": "最多通报50个单位",
                                               "invalid": "请填写整数"})
