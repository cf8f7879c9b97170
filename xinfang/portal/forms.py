"""Public forms. Each turns raw input into clean values or says, in Chinese,
exactly what is wrong; nothing is saved until every check has passed."""

import re
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.choices import normalize_choices
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from xinfang.cases.categories import SecondLevel, second_level, second_level_category
from xinfang.cases.forms import MultipleFileField
from xinfang.cases.models import Category, Purpose, new_client_token
from xinfang.cases.models_procedure import Rating
from xinfang.lib.formcopy import QuickCopyFields
from xinfang.lib.idcard import InvalidIdNumber, validate_id_number
from xinfang.lib.phone import InvalidPhone, canonical_is_mobile, validate_phone
from xinfang.orgs import cached
from xinfang.orgs.models import Region

NAME_RE = re.compile(r"[\u3400-\u9fffA-Za-z·•.\s]{2,30}")
TOKEN_RE = re.compile(r"[0-9a-f]{32}")
MAX_FILES = 5
RATING_CHOICES = [("", "请选择"), *Rating.choices]


def region_root() -> str:
    return getattr(settings, "PORTAL_REGION_ROOT", "3202")


def category_rows() -> list[tuple]:
    """(id, name, code, parent id, parent name, parent code) of every second-level
    category, for both the select and the picker: kept in this process (see
    xinfang.cases.categories.second_level), the same list until it reloads."""
    return _derived(second_level()).rows


@dataclass(frozen=True)
class CategoryTable:
    """What the form and its page make of one loaded category table."""

    rows: list[tuple]
    choices: list  # already as ChoiceField normalises them
    groups: list[dict]
    keys: frozenset[str]  # every valid submitted value


_derived_from: tuple[SecondLevel, CategoryTable] | None = None


def _derived(table: SecondLevel) -> CategoryTable:
    """Built once per loaded category table."""
    global _derived_from
    cached = _derived_from
    if cached is not None and cached[0] is table:
        return cached[1]
    rows = [(pk, name, code, parent_pk, p_name, p_code)
            for pk, code, name, parent_pk, _kw, p_code, p_name, _pp, _pkw in table.rows]
    derived = CategoryTable(rows=rows, choices=normalize_choices(category_choices(rows)),
                            groups=category_groups(rows), keys=frozenset(str(r[0]) for r in rows))
    _derived_from = (table, derived)
    return derived


class CategoryField(forms.TypedChoiceField):
    """The category select, fed by set_table(): its ~250 choices are normalised
    once per table, not on every form (the choices setter would, ~2 ms), and a
    submitted value is checked against a set, not by walking the options."""

    keys: frozenset[str] = frozenset()

    def set_table(self, table: CategoryTable) -> None:
        # Past both choices setters (field and widget), which normalise again.
        # The same list for every form: nothing changes choices in place.
        self._choices = self.widget._choices = table.choices
        self.keys = table.keys

    def valid_value(self, value) -> bool:
        return str(value) in self.keys


def category_groups(rows: list[tuple] | None = None) -> list[dict]:
    """The two-level taxonomy for the cascading selects (portal.js)."""
    groups: dict[int, dict] = {}
    for pk, name, _code, parent_pk, parent_name, _pcode in sorted(rows if rows is not None else category_rows(),
                                                                 key=lambda r: (r[5], r[2])):
        group = groups.setdefault(parent_pk, {"id": parent_pk, "name": parent_name, "children": []})
        group["children"].append({"id": pk, "name": name})
    return list(groups.values())


def category_choices(rows: list[tuple]) -> list:
    """Grouped choices, as xinfang.cases.forms.category_choices makes them (by code, under the parent's name)."""
    groups: dict[str, list] = {}
    for pk, name, _code, _parent_pk, parent_name, _pcode in sorted(rows, key=lambda r: r[2]):
        groups.setdefault(parent_name, []).append((pk, name))
    return [("", "请选择内容分类"), *groups.items()]


class QuickSelect(forms.Select):
    """forms.Select, rendered in Python. Django renders every option through a
    template; for the ~250 categories that cost more than the rest of the page."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = next(iter(self.format_value(value)), None)

        def option(v, label) -> str:
            v = "" if v is None else str(v)
            return format_html('<option value="{}"{}>{}</option>', v, mark_safe(" selected") if v == chosen else "",
                               label)

        parts = [format_html('<select name="{}"{}>', name, flatatt(self.build_attrs(self.attrs, attrs)))]
        for key, label in self.choices:
            if isinstance(label, list | tuple):
                parts.append(format_html('<optgroup label="{}">', key))
                parts.extend(option(v, text) for v, text in label)
                parts.append("</optgroup>")
            else:
                parts.append(option(key, label))
        parts.append("</select>")
        return mark_safe("\n".join(parts))  # noqa: S308 - every piece went through format_html


def clean_mobile(raw: str) -> str:
    try:
        phone = validate_phone(raw)
    except InvalidPhone as e:
        raise ValidationError(str(e)) from None
    if not canonical_is_mobile(phone):
        raise ValidationError("请填写本人的手机号码，用于接收验证码和办理告知")
    return phone


def _prepare_once(cls) -> None:
    """Run `cls.prepare_fields` on the class's own fields the first time one of
    its forms is made (not at import: messages are translated, which needs the
    apps loaded), and have each form copy them directly, not by deepcopy
    (formcopy). Idempotent, so two threads racing here do no harm."""
    if "_prepared" not in cls.__dict__:
        cls.prepare_fields(cls.base_fields)
        cls.base_fields = QuickCopyFields(cls.base_fields)
        cls._prepared = True


def _style(form: forms.Form) -> None:
    _style_fields(form.fields)


def _style_fields(fields: dict) -> None:
    for f in fields.values():
        w = f.widget
        if isinstance(w, forms.CheckboxInput | forms.RadioSelect):
            w.attrs.setdefault("class", "form-check-input")
        elif isinstance(w, forms.Select):
            w.attrs.setdefault("class", "form-select")
        elif not isinstance(w, forms.HiddenInput):
            w.attrs.setdefault("class", "form-control")


class PetitionForm(forms.Form):
    """网上信访: real name, a verified mobile number, the matter and where it is."""

    client_token = forms.CharField(widget=forms.HiddenInput)
    pow_challenge = forms.CharField(widget=forms.HiddenInput, required=False)
    pow_solution = forms.CharField(widget=forms.HiddenInput, required=False)
    # A honeypot: hidden from people by CSS, filled in by naive bots.
    website = forms.CharField(required=False, label="网址（请勿填写）",
                              widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))

    name = forms.CharField(label="姓名", max_length=30)
    id_number = forms.CharField(label="身份证号码", max_length=30)
    phone = forms.CharField(label="手机号码", max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    sms_code = forms.CharField(label="短信验证码", max_length=6, min_length=6,
                               widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
                               error_messages={"min_length": "请输入6位短信验证码"})
    address = forms.CharField(label="联系地址", max_length=200)
    title = forms.CharField(label="标题", max_length=100)
    content = forms.CharField(label="信访内容", min_length=10, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 6}),
                              error_messages={"min_length": "信访内容请至少填写10个字，写清事实经过"})
    demands = forms.CharField(label="诉求", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    purpose = forms.ChoiceField(label="信访目的", choices=[("", "请选择"), *Purpose.choices])
    category = CategoryField(label="内容分类", coerce=int, widget=QuickSelect)
    issue_region = forms.CharField(label="问题属地", widget=forms.HiddenInput,
                                   error_messages={"required": "请选择问题属地（区县及街道/镇）"})
    issue_address = forms.CharField(label="问题发生地（详细地址）", max_length=200, required=False)
    attachments = MultipleFileField(label="附件（证明材料）", required=False)
    consent_publish = forms.BooleanField(label="同意在隐去个人信息后公开本信访事项及答复", required=False)
    pledge = forms.BooleanField(label="本人承诺所反映情况真实，如有捏造、歪曲事实，愿承担相应法律责任",
                                error_messages={"required": "请阅读并勾选承诺"})

    def __init__(self, *args, **kwargs):
        _prepare_once(type(self))
        super().__init__(*args, **kwargs)
        table = _derived(second_level())
        # The page's picker shows the same table (views_petition.form_context).
        self.category_rows, self.category_groups = table.rows, table.groups
        self.fields["category"].set_table(table)
        self.fields["client_token"].initial = new_client_token()

    @classmethod
    def prepare_fields(cls, fields: dict) -> None:
        """Messages and styles, the same for every form: set once on the class's
        fields, which each form copies (on every POST, so not per form)."""
        default_required = str(forms.Field.default_error_messages["required"])
        for f in fields.values():
            if str(f.error_messages["required"]) == default_required:
                f.error_messages["required"] = f"请填写{f.label}"
        fields["purpose"].error_messages["required"] = "请选择信访目的"
        fields["category"].error_messages["required"] = "请选择内容分类"
        fields["name"].widget.attrs["autocomplete"] = "name"
        _style_fields(fields)

    def clean_client_token(self) -> str:
        token = self.cleaned_data["client_token"]
        if not TOKEN_RE.fullmatch(token):
            raise ValidationError("页面已失效，请刷新后重新填写")
        return token

    def clean(self):
        data = super().clean()
        if data.get("website"):
            self.add_error(None, "提交未通过安全校验，请刷新页面后重新填写")
        return data

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not NAME_RE.fullmatch(name):
            raise ValidationError("请填写真实姓名（2至30个汉字或字母）")
        return name

    def clean_id_number(self) -> str:
        try:
            return validate_id_number(self.cleaned_data["id_number"])
        except InvalidIdNumber as e:
            raise ValidationError(str(e)) from None

    def clean_phone(self) -> str:
        return clean_mobile(self.cleaned_data["phone"])

    def clean_sms_code(self) -> str:
        code = self.cleaned_data["sms_code"].strip()
        if not code.isdigit():
            raise ValidationError("短信验证码为6位数字")
        return code

    def clean_category(self) -> Category:
        category = second_level_category(self.cleaned_data["category"])
        if category is None:
            raise ValidationError("请选择二级内容分类")
        return category

    def clean_issue_region(self) -> Region:
        code = self.cleaned_data["issue_region"].strip()
        root = region_root()
        region = cached.region(code) if code.isdigit() else None
        if region is None or not code.startswith(root) or len(code) < 6:
            raise ValidationError("请选择问题属地（至少选到区县）")
        return region

    def clean_attachments(self) -> list:
        files = self.cleaned_data.get("attachments") or []
        if len(files) > MAX_FILES:
            raise ValidationError(f"最多上传{MAX_FILES}个附件")
        return files


class KioskPetitionForm(PetitionForm):
    """The touch-screen form: fewer fields, no uploads; the title comes from the content."""

    OMIT = ("address", "title", "issue_address", "attachments", "consent_publish")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.OMIT:
            del self.fields[name]
        self.fields["demands"].required = False
        self.fields["content"].widget.attrs["rows"] = 4

    def clean(self):
        data = super().clean()
        content = " ".join((data.get("content") or "").split())
        data["title"] = content[:30] + ("…" if len(content) > 30 else "")
        data.setdefault("address", "")
        return data


class TrackForm(forms.Form):
    query_code = forms.CharField(label="查询码", max_length=30,
                                 error_messages={"required": "请填写查询码"},
                                 widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}))
    phone_last4 = forms.CharField(label="手机号码后四位", max_length=4, min_length=4,
                                  error_messages={"required": "请填写手机号码后四位",
                                                  "min_length": "请填写手机号码后四位"},
                                  widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def clean_query_code(self) -> str:
        return re.sub(r"[\s\-]", "", self.cleaned_data["query_code"]).upper()

    def clean_phone_last4(self) -> str:
        digits = self.cleaned_data["phone_last4"].strip()
        if not digits.isdigit():
            raise ValidationError("请填写手机号码后四位数字")
        return digits


class EvaluationForm(forms.Form):
    bureau_rating = forms.ChoiceField(label="对信访部门的评价", choices=Rating.choices, widget=forms.RadioSelect,
                                      error_messages={"required": "请评价信访部门"})
    rating = forms.ChoiceField(label="对办理单位的评价", choices=Rating.choices, widget=forms.RadioSelect,
                               error_messages={"required": "请评价办理单位"})
    text = forms.CharField(label="意见建议", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class ReviewRequestForm(forms.Form):
    reason = forms.CharField(label="请求理由", min_length=5, max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
                             error_messages={"required": "请填写请求理由", "min_length": "请写明不服的事实和理由"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
