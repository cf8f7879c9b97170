"""A form class's fields, copied for each form without copy.deepcopy.

Every Django form starts with `copy.deepcopy(self.base_fields)`, so that a form
may change its own fields. Through deepcopy's machinery that costs ~16 µs per
plain field and ~90 µs per choice field (the widget's choices setter normalises
them again): ~0.4 ms for the petition form, on every POST of the public portal.
`QuickCopyFields` gives each form the same independent copies, made directly:
the field and widget objects, their attrs, error messages and validators, and
the choice lists (as new lists: nothing here changes a choice in place). Any
field or widget with a copy of its own (a model choice field's queryset, a
multi-widget's widgets) still goes through deepcopy."""

import copy

from django import forms
from django.forms.widgets import ChoiceWidget

_FIELD_COPIES = (forms.Field.__deepcopy__, forms.ChoiceField.__deepcopy__)
_WIDGET_COPIES = (forms.Widget.__deepcopy__, ChoiceWidget.__deepcopy__)


def _shallow(obj):
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__)
    return new


def _choices(value):
    return list(value) if isinstance(value, list | tuple) else copy.deepcopy(value)


def _widget(widget: forms.Widget) -> forms.Widget:
    if type(widget).__deepcopy__ not in _WIDGET_COPIES:
        return copy.deepcopy(widget)
    new = _shallow(widget)
    new.attrs = widget.attrs.copy()
    if isinstance(widget, ChoiceWidget):
        new._choices = _choices(widget._choices)  # type: ignore[attr-defined]  # past the setter: normalised
    return new


def quick_copy(field: forms.Field) -> forms.Field:
    """What `copy.deepcopy(field)` gives, for fields that copy themselves the
    way Django's own Field and ChoiceField do."""
    if type(field).__deepcopy__ not in _FIELD_COPIES:
        return copy.deepcopy(field)
    new = _shallow(field)
    new.widget = _widget(field.widget)
    new.error_messages = field.error_messages.copy()
    new.validators = field.validators[:]
    if isinstance(field, forms.ChoiceField):
        new._choices = _choices(field._choices)  # type: ignore[attr-defined]
    return new


class QuickCopyFields(dict):
    """Set as a form class's `base_fields`: BaseForm.__init__ deep-copies it."""

    def __deepcopy__(self, memo) -> dict:
        return {name: quick_copy(field) for name, field in self.items()}
