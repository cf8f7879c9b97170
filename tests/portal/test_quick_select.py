"""The category select is rendered in Python (QuickSelect) for speed: it must
offer the same grouped options, keep the chosen one selected after an error,
escape names, and carry the same attributes as Django's own Select."""

import re

import pytest
from django import forms

from xinfang.cases.forms import category_choices as staff_category_choices
from xinfang.cases.models import Category
from xinfang.lib.memo import clear_all
from xinfang.portal.forms import PetitionForm, QuickSelect, category_groups

pytestmark = pytest.mark.django_db


def options(html: str) -> list[tuple[str, str, bool]]:
    return [(v, label, bool(sel)) for v, sel, label in
            re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', html)]


def attrs(html: str) -> set[str]:
    tag = re.match(r"<select ([^>]*)>", html).group(1)
    return set(re.findall(r'[\w-]+(?:="[^"]*")?', tag))


def django_render(form: PetitionForm) -> str:
    field = form.fields["category"]
    field.widget = forms.Select(attrs=field.widget.attrs, choices=field.choices)
    return str(form["category"])


@pytest.mark.parametrize("data", [None, "chosen", {"category": "999999"}])
def test_it_renders_what_djangos_select_renders(category, data):
    if data == "chosen":
        data = {"category": str(category.pk)}
    ours = str(build(data)["category"])
    theirs = django_render(build(data))
    assert options(ours) == options(theirs)
    assert attrs(ours) == attrs(theirs)
    assert ours.count("<optgroup") == theirs.count("<optgroup")
    if data and data["category"] == str(category.pk):
        assert (str(category.pk), category.name, True) in options(ours)


def build(data) -> PetitionForm:
    form = PetitionForm(data)
    if data:
        form.is_valid()  # bound with errors: aria-invalid, the chosen value kept
    return form


def test_it_offers_the_same_choices_as_the_staff_form_and_the_picker(category):
    form = PetitionForm()
    assert form.fields["category"].choices == staff_category_choices()
    groups = category_groups()
    assert {c["id"] for g in groups for c in g["children"]} == set(
        Category.objects.filter(parent__isnull=False).values_list("pk", flat=True))


def test_it_escapes_names(category):
    Category.objects.filter(pk=category.pk).update(name='<b>"电梯"</b>')
    clear_all()  # QuerySet.update sends no signal; the form's table would show the change after its TTL
    html = str(PetitionForm()["category"])
    assert "<b>" not in html and "&lt;b&gt;&quot;电梯&quot;&lt;/b&gt;" in html


def test_a_widget_alone_renders_flat_choices():
    w = QuickSelect(choices=[("", "请选择"), ("a", "甲"), ("b", "乙")])
    assert options(w.render("x", "b")) == [("", "请选择", False), ("a", "甲", False), ("b", "乙", True)]
