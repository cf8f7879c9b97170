"""One form per transition, built from the table's `requires` column, so a new
row in the table gets its form without new code."""

from django import forms

from xinfang.orgs.access import visible_cases
from xinfang.orgs.models import Org, OrgKind

from .models import Case
from .models_procedure import Outcome, Rating, ReviewOutcome
from .workflow import Transition
from .workflow_effects import FIELD_LABELS, ROUTES


def _text(label, required=True, rows=3, initial=""):
    return forms.CharField(label=label, required=required, max_length=10000, initial=initial,
                           widget=forms.Textarea(attrs={"rows": rows, "class": "form-control"}))


def _choice(label, choices, required=True):
    return forms.ChoiceField(label=label, required=required, choices=[("", "请选择"), *choices],
                             widget=forms.Select(attrs={"class": "form-select"}))


def target_orgs(t: Transition, case: Case):
    qs = Org.objects.filter(is_active=True).exclude(pk=case.current_org_id).select_related("region")
    holder = case.current_org
    if t.name == "guide_down":
        prefixes = [case.issue_region_id[:n] for n in (4, 6, 9) if len(case.issue_region_id) >= n]
        return qs.filter(kind=OrgKind.BUREAU, region_id__in=prefixes).exclude(region_id=holder.region_id)
    if t.name == "delegate":
        return qs.filter(region__parent_id=holder.region_id).exclude(kind=OrgKind.THIRD_PARTY)
    # Forward/assign within the holder's own region and below, plus the level above.
    return qs.filter(region__code__startswith=holder.region_id[:4]).exclude(kind=OrgKind.THIRD_PARTY)


def default_rights_notice(case: Case, kind: str = "reply") -> str:
    superior = case.current_org.superior
    to = superior.name if superior else "上一级行政机关"
    what = "复查" if kind == "reply" else "复核"
    return f"信访人对本意见不服的，可以自收到本意见书之日起30日内向{to}请求{what}。"


class TransitionForm(forms.Form):
    def __init__(self, *args, transition: Transition, case: Case, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.transition, self.case, self.user = transition, case, user
        need = set(transition.requires)
        for name in transition.requires:
            self.fields[name] = self._field(name)
        name = transition.name
        if name in ("forward", "assign", "approve_extension", "report_back", "evaluate") and "text" not in need:
            self.fields["text"] = _text("说明（选填）" if name != "evaluate" else "评价意见（选填）", required=False,
                                        rows=2)
        if name == "accept" and case.is_first_time:
            self.fields["simple"] = forms.BooleanField(
                label="适用简易办理（初次信访，10个工作日内答复）", required=False,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
        if name == "evaluate":
            self.fields["bureau_rating"] = _choice("对信访部门的评价", Rating.choices, required=False)

    def _field(self, name: str):
        label = FIELD_LABELS.get(name, name)
        t, case = self.transition, self.case
        if name == "to_org":
            return forms.ModelChoiceField(label=label, queryset=target_orgs(t, case),
                                          widget=forms.Select(attrs={"class": "form-select"}),
                                          empty_label="请选择接收单位")
        if name in ("report_back_days", "days"):
            top = 30 if name == "days" else 90
            return forms.IntegerField(label=label, min_value=1, max_value=top, initial=15 if name != "days" else 30,
                                      widget=forms.NumberInput(attrs={"class": "form-control"}))
        if name == "route":
            return _choice(label, ROUTES.items())
        if name == "into_case":
            return forms.CharField(label="并入事项编号", max_length=32,
                                   widget=forms.TextInput(attrs={"class": "form-control"}))
        if name == "outcome":
            return _choice(label, Outcome.choices)
        if name == "review_outcome":
            return _choice(label, ReviewOutcome.choices)
        if name == "rating":
            return _choice("对办理单位的评价", Rating.choices)
        if name == "legal_basis":
            return _text(label, rows=2)
        if name == "rights_notice":
            kind = "reply" if t.name == "draft_reply" else "review"
            return _text(label, rows=2, initial=default_rights_notice(case, kind))
        if name == "text" and t.name in ("draft_reply", "review_decide", "reexamine_decide"):
            return _text("意见书正文", rows=6)
        return _text(label)

    def clean_into_case(self):
        number = self.cleaned_data["into_case"].strip()
        target = visible_cases(self.user).filter(number=number).first()
        if target is None:
            raise forms.ValidationError("未找到该编号的信访事项")
        return target.pk

    def clean(self):
        data = super().clean()
        if "to_org" in data and data["to_org"] is not None:
            data["to_org"] = data["to_org"].pk
        return data
