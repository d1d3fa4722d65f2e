import datetime as dt
from decimal import Decimal

from django import forms, template
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def add_class(field, css: str):
    """Render a bound field with Bootstrap classes (selects get form-select)."""
    widget = field.field.widget
    classes = css
    if isinstance(widget, forms.Select | forms.SelectMultiple) and "form-control" in css:
        classes = css.replace("form-control", "form-select")
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
        classes = "form-check-input" if "form-check-input" in css else ""
    existing = widget.attrs.get("class", "")
    return field.as_widget(attrs={"class": f"{existing} {classes}".strip()})


@register.filter
def is_checkbox(field) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def index(sequence, i: int):
    return sequence[i]


@register.filter
def cell(value):
    """One display rule for table cells: dates local, booleans as words, empty as a dash."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.datetime):
        return date_filter(timezone.localtime(value) if timezone.is_aware(value) else value, "Y-m-d H:i")
    if isinstance(value, dt.date):
        return date_filter(value, "Y-m-d")
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return value
