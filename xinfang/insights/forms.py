from datetime import timedelta

from django import forms
from django.utils import timezone

from xinfang.cases.queries import region_filter_choices

MAX_SPAN_DAYS = 3 * 366


class PeriodForm(forms.Form):
    start = forms.DateField(label="开始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                            error_messages={"invalid": "开始日期格式不正确，请按“年-月-日”填写"})
    end = forms.DateField(label="结束日期", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                          error_messages={"invalid": "结束日期格式不正确，请按“年-月-日”填写"})
    region = forms.ChoiceField(label="问题属地", required=False,
                               error_messages={"invalid_choice": "所选区域不在您的查看范围内"})

    default_days = 30

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "本人查看范围"), *region_filter_choices(user)]

    def clean(self):
        data = super().clean()
        end = data.get("end") or timezone.localdate()
        start = data.get("start") or end - timedelta(days=self.default_days - 1)
        if start > end:
            raise forms.ValidationError("开始日期不能晚于结束日期")
        if (end - start).days > MAX_SPAN_DAYS:
            raise forms.ValidationError("查询时段不能超过3年")
        data["start"], data["end"] = start, end
        data["region"] = data.get("region") or None
        return data


class HotspotCasesForm(PeriodForm):
    term = forms.CharField(label="关键词", max_length=40, error_messages={
        "required": "请提供关键词", "max_length": "关键词不能超过40个字"})
    group = forms.BooleanField(required=False)


class ForecastForm(PeriodForm):
    horizon = forms.IntegerField(label="预测周数", required=False, min_value=4, max_value=12, error_messages={
        "min_value": "预测周数应在4到12之间", "max_value": "预测周数应在4到12之间", "invalid": "预测周数应为整数"})

    def clean(self):
        data = super().clean()
        data["horizon"] = data.get("horizon") or 8
        return data
