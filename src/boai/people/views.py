"""Staff pages of the person registry. Lists and exports show masked values only; the full value
of a protected field is shown once, through the reveal dialog, to someone allowed to see it who
gives a reason (audited)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.generic import FormView

from boai.core.views_base import Column, DetailPage, ExportPage, ListPage, ScopedObjectMixin, ServiceFormPage
from boai.people import selectors, services
from boai.people.filters import PersonFilter
from boai.people.forms import PersonForm, PersonUpdateForm, RevealForm
from boai.people.models import Person

PERSON_COLUMNS = (
    Column("name", pgettext_lazy("person", "Name"), link=True),
    Column("id_type", _("ID type"), accessor="get_id_type_display"),
    Column("id_number_masked", _("ID number")),
    Column("gender", _("Gender"), accessor="get_gender_display"),
    Column("birth_date", _("Birth date")),
    Column("mobile_masked", _("Mobile number")),
    Column("org", _("Organisation"), accessor="org.name"),
)
REVEAL_LABELS = {"id_number": _("ID number"), "mobile": _("Mobile number"), "address": _("Address")}


class PeopleQuerysetMixin:
    """Every page starts from the selector: restrict() for the page's action, encrypted columns deferred."""

    model = Person

    def base_queryset(self):
        return selectors.people_for(self.request.user, self.action)

    def search(self, queryset, term):
        return selectors.search(queryset, term)


class PersonListPage(PeopleQuerysetMixin, ListPage):
    title = _("Person registry")
    import_kind = "people"
    filterset_class = PersonFilter
    columns = PERSON_COLUMNS
    search_placeholder = _("Name (from its beginning), or a full ID number or mobile number")
    export_url_name = "people:export"
    create_url_name = "people:create"
    create_permission = "people.add"
    empty_text = _("No one is registered here yet.")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["export_url_name"] = self.export_url_name if self.request.user.has_perm("people.export") else None
        return ctx


class PersonExportPage(PeopleQuerysetMixin, ExportPage):
    filterset_class = PersonFilter
    export_columns = (*PERSON_COLUMNS, Column("ethnicity", _("Ethnicity"), accessor="get_ethnicity_display"),
                      Column("org_code", _("Organisation code"), accessor="org.code"),
                      Column("created_at", _("Registered")))
    filename = "people"


class PersonDetailPage(DetailPage):
    model = Person
    template_name = "people/detail.html"
    select_related = ("org",)

    def get_context_data(self, **kwargs):
        person, user = self.object, self.request.user
        ctx = super().get_context_data(**kwargs)
        protected = [("id_number", person.id_number_masked), ("mobile", person.mobile_masked),
                     ("address", _("(stored encrypted)") if person.address else "")]
        ctx["protected"] = [{"field": f, "label": REVEAL_LABELS[f], "masked": masked} for f, masked in protected]
        ctx["can_reveal"] = user.has_perm("people.reveal")
        ctx["can_change"] = user.has_perm("people.change")
        return ctx


class PersonCreatePage(ServiceFormPage):
    permission = "people.add"
    form_class = PersonForm
    title = _("Register a person")
    success_message = _("The person is registered.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return services.person_create(actor=self.request.user, **form.cleaned_data)


class PersonUpdatePage(ScopedObjectMixin, ServiceFormPage):
    model = Person
    action = "change"
    form_class = PersonUpdateForm
    title = _("Edit person")

    def get_initial(self):
        p = self.get_object()
        return {"org": p.org_id, "name": p.name, "id_type": p.id_type, "gender": p.gender,
                "birth_date": p.birth_date, "ethnicity": p.ethnicity}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "person": self.get_object()}

    def perform(self, form):
        data = dict(form.cleaned_data)
        for name in ("id_number", "mobile", "address"):
            data[name] = data[name] or None  # blank keeps the stored value
        if data.pop("clear_mobile"):
            data["mobile"] = ""
        if data.pop("clear_address"):
            data["address"] = ""
        data["gender"] = data["gender"] or None
        return services.person_update(actor=self.request.user, person=self.get_object(), **data)


class PersonRevealPage(ScopedObjectMixin, FormView):
    """GET: the dialog asking for a reason. POST: the value, once (htmx fills the dialog with it;
    without JavaScript it is a page of its own). Nothing here is cached by the browser."""

    model = Person
    action = "reveal"
    form_class = RevealForm

    def get_template_names(self):
        partial = "people/_reveal_dialog.html"
        return [partial] if self.request.htmx else ["people/reveal.html"]

    def get_initial(self):
        field = self.request.GET.get("field", "id_number")
        if field not in REVEAL_LABELS:
            raise Http404
        return {"field": field}

    def form_valid(self, form):
        field = form.cleaned_data["field"]
        try:
            value = services.person_reveal(actor=self.request.user, person=self.get_object(), field=field,
                                           reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error("reason" if "reason" in getattr(exc, "message_dict", {}) else None, exc)
            return self.form_invalid(form)
        return self.render_to_response(self.get_context_data(form=form, revealed=value, field=field))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = ctx["form"]
        field = (form.data.get("field") if form.is_bound else None) or form.initial.get("field")
        ctx["field_label"] = REVEAL_LABELS.get(field, "")
        return ctx

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        response["Cache-Control"] = "no-store"
        return response

