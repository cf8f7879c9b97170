"""QuickCopyFields: each form gets fields as independent as deepcopy's, made directly."""

import copy

import pytest
from django import forms

from xinfang.lib.formcopy import QuickCopyFields, quick_copy
from xinfang.portal.forms import KioskPetitionForm, PetitionForm


class Sample(forms.Form):
    name = forms.CharField(max_length=5, widget=forms.TextInput(attrs={"class": "a"}))
    kind = forms.ChoiceField(choices=[("a", "甲"), ("b", "乙")])
    when = forms.SplitDateTimeField(required=False)  # MultiValueField + MultiWidget: their own copies
    pick = forms.MultipleChoiceField(choices=[("x", "X")], widget=forms.CheckboxSelectMultiple, required=False)


Sample.base_fields = QuickCopyFields(Sample.base_fields)


def _state(field: forms.Field) -> tuple:
    w = field.widget
    return (type(field), field.required, field.label, dict(field.error_messages), list(field.validators),
            getattr(field, "choices", None) and list(field.choices), type(w), dict(w.attrs),
            getattr(w, "choices", None) and list(w.choices))


@pytest.mark.parametrize("name", ["name", "kind", "when", "pick"])
def test_a_quick_copy_equals_a_deepcopy(name):
    field = Sample.base_fields[name]
    assert _state(quick_copy(field)) == _state(copy.deepcopy(field))


def test_changing_one_forms_fields_changes_no_other():
    a, b = Sample(), Sample()
    a.fields["name"].widget.attrs["class"] = "changed"
    a.fields["name"].error_messages["required"] = "请填写"
    a.fields["name"].required = False
    a.fields["kind"].choices = [("c", "丙")]
    a.fields["kind"].widget.choices.append(("d", "丁"))
    a.fields["name"].validators.append(lambda v: None)
    fresh = Sample()
    for form in (b, fresh):
        assert form.fields["name"].widget.attrs == {"class": "a", "maxlength": "5"}
        assert form.fields["name"].error_messages["required"] != "请填写"
        assert form.fields["name"].required
        assert [k for k, _ in form.fields["kind"].choices] == ["a", "b"]
        assert [k for k, _ in form.fields["kind"].widget.choices] == ["a", "b"]
        assert len(form.fields["name"].validators) == len(Sample.base_fields["name"].validators)
    assert a.fields["when"].widget.widgets[0] is not fresh.fields["when"].widget.widgets[0]


def test_a_bound_form_still_cleans_and_reports_in_chinese():
    form = Sample({"name": "toolong", "kind": "z"})
    assert not form.is_valid()
    assert set(form.errors) == {"name", "kind"}
    assert Sample({"name": "ok", "kind": "a"}).is_valid()


@pytest.mark.django_db
def test_the_petition_forms_use_it_and_kiosk_changes_stay_its_own():
    web, kiosk, web2 = PetitionForm(), KioskPetitionForm(), PetitionForm()
    assert isinstance(PetitionForm.base_fields, QuickCopyFields)
    assert isinstance(KioskPetitionForm.base_fields, QuickCopyFields)
    assert "address" not in kiosk.fields and "address" in web2.fields
    assert not kiosk.fields["demands"].required and web2.fields["demands"].required
    assert kiosk.fields["content"].widget.attrs["rows"] == 4 and web2.fields["content"].widget.attrs["rows"] == 6
    assert web.fields["client_token"].initial != web2.fields["client_token"].initial
    assert web.fields["purpose"].error_messages["required"] == "请选择信访目的"
