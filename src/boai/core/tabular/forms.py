from django import forms
from django.utils.translation import gettext_lazy as _

from boai.core.tabular.models import ImportJob
from boai.core.tabular.reader import EXTENSIONS


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("Excel workbook (.xlsx, .xls) or CSV (UTF-8 or GB18030)."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(EXTENSIONS), "col": "col-12 col-lg-8"}),
    )
    mode = forms.ChoiceField(
        label=_("How to import"), choices=ImportJob.Mode.choices, initial=ImportJob.Mode.ALL,
        widget=forms.RadioSelect(attrs={"col": "col-12"}),
    )
