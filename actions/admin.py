from django import forms
from django.contrib import admin
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from actions.models import CommitmentChange, Deliverable, Milestone, QuarterlyUpdate
from actions.replanning import Commitment
from plans.admin import PlanAdmin, PublicContentAdmin
from plans.models import Plan


class VersionedAdmin:
    """Admin saves move the version on, as every other write does (``plans.versioning``), so
    a staff form opened before an administrator's change reports a conflict instead of
    overwriting it. The admin has no version of its own to compare: its save wins. The
    models' own rules (``clean_fields``) run in the admin's form validation.
    """

    @staticmethod
    def current_version(obj) -> int:
        versions = type(obj)._default_manager.select_for_update().values_list("version")
        return versions.get(pk=obj.pk)[0]

    def save_model(self, request, obj, form, change):
        if change:
            obj.version = self.current_version(obj) + 1
        super().save_model(request, obj, form, change)


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ["title", "due_quarter", "done_on", "order"]


class DeliverableAdminForm(forms.ModelForm):
    """The admin's deliverable form, with the reason a change to a public deliverable's
    commitment may need (``Deliverable.replanning_problem``, the rule of every write path)."""

    replanning_reason = forms.CharField(
        label="Reason for the change",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Public. Required when a published deliverable's due quarter moves later or "
        "its title or description changes materially.",
    )

    class Meta:
        model = Deliverable
        fields = [
            "plan",
            "workstream",
            "reference",
            "title",
            "description",
            "lead",
            "start_quarter",
            "due_quarter",
            "national_actions",
            "order",
            "withdrawn_at",
            "withdrawn_reason",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.saved_commitment = self.instance.commitment if self.instance.pk else None

    def clean(self):
        cleaned = super().clean()
        after = [cleaned.get(name) for name in ("start_quarter", "due_quarter", "title")]
        if self.instance.pk and all(after):
            problem = self.instance.replanning_problem(
                Commitment(*after, cleaned.get("description", "")),
                cleaned.get("replanning_reason", ""),
            )
            if problem:
                self.add_error("replanning_reason", problem)
        return cleaned


class CommitmentChangeInline(admin.TabularInline):
    """The dated changes of a public deliverable's commitment: never edited here."""

    model = CommitmentChange
    extra = 0
    fields = ["made_at", "made_by", "field", "was", "became", "reason"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Deliverable)
class DeliverableAdmin(VersionedAdmin, PublicContentAdmin, SimpleHistoryAdmin):
    form = DeliverableAdminForm
    list_display = [
        "title",
        "force_name",
        "workstream",
        "start_quarter",
        "due_quarter",
        "lead",
        "withdrawn_at",
    ]
    list_filter = ["workstream", "plan__force__region", "plan__is_published"]
    search_fields = ["title", "description", "lead", "reference", "plan__force__name"]
    list_select_related = ["plan__force", "workstream"]
    filter_horizontal = ["national_actions"]
    raw_id_fields = ["plan"]
    inlines = [MilestoneInline, CommitmentChangeInline]
    readonly_fields = [
        "first_published_at",
        "original_start_quarter",
        "original_due_quarter",
        "original_title",
        "original_description",
    ]

    def save_model(self, request, obj, form, change):
        """Saved by the rule of every other write path: a public deliverable's changed
        commitment gets its dated entries, with the reason given."""
        entries = obj.record_replanning(
            form.saved_commitment,
            request.user,
            timezone.now(),
            form.cleaned_data.get("replanning_reason", ""),
        )
        super().save_model(request, obj, form, change)
        CommitmentChange.save_all(entries)

    @admin.display(description="Force", ordering="plan__force__name")
    def force_name(self, obj):
        return obj.plan.force.name


class PublishingPlanAdmin(PlanAdmin):
    """A plan published here keeps its deliverables' original commitments, as publishing
    it on the staff pages does."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.is_published:
            Deliverable.objects.filter(plan=obj).record_first_publication(timezone.now())


admin.site.unregister(Plan)
admin.site.register(Plan, PublishingPlanAdmin)


@admin.register(Milestone)
class MilestoneAdmin(VersionedAdmin, PublicContentAdmin, SimpleHistoryAdmin):
    list_display = ["title", "deliverable", "due_quarter", "done_on"]
    list_filter = ["deliverable__plan__force__region"]
    search_fields = ["title", "deliverable__title"]
    list_select_related = ["deliverable"]
    raw_id_fields = ["deliverable"]


@admin.register(QuarterlyUpdate)
class QuarterlyUpdateAdmin(VersionedAdmin, PublicContentAdmin, SimpleHistoryAdmin):
    list_display = ["deliverable", "force_name", "quarter", "status", "published_at", "author"]
    list_filter = ["status", "deliverable__workstream", "deliverable__plan__force__region"]
    search_fields = ["deliverable__title", "done", "next", "deliverable__plan__force__name"]
    list_select_related = ["deliverable__plan__force", "author"]
    raw_id_fields = ["deliverable"]
    readonly_fields = ["author", "corrected_at"]
    date_hierarchy = "published_at"

    def save_model(self, request, obj, form, change):
        """Saved by the rule of every other write path (``QuarterlyUpdate.save_by``): the
        administrator is recorded as who saved it, and an edited published update is marked
        corrected. A publication date set or cleared here stands as the administrator wrote it.
        """
        obj._history_user = request.user
        was_published = change and form.initial.get("published_at") is not None
        seen = self.current_version(obj) if change else 0
        obj.save_by(request.user, timezone.now(), seen, was_published=was_published)

    @admin.display(description="Force", ordering="deliverable__plan__force__name")
    def force_name(self, obj):
        return obj.deliverable.plan.force.name
