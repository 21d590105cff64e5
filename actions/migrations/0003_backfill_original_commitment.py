"""Existing public deliverables: their current commitment is the best known original,
first published when their plan was first published (from its history), or when they were
added to it if that was later."""

from django.db import migrations
from django.db.models import F


def backfill(apps, schema_editor):
    Plan = apps.get_model("plans", "Plan")
    HistoricalPlan = apps.get_model("plans", "HistoricalPlan")
    Deliverable = apps.get_model("actions", "Deliverable")
    published_on = {}
    for record in (
        HistoricalPlan.objects.filter(is_published=True).order_by("history_date").iterator()
    ):
        published_on.setdefault(record.id, record.history_date)
    for plan in Plan.objects.filter(is_published=True).iterator():
        published_on.setdefault(plan.pk, plan.updated_at)
    for plan_id, moment in published_on.items():
        deliverables = Deliverable.objects.filter(
            plan_id=plan_id, first_published_at__isnull=True
        )
        deliverables.filter(created_at__gt=moment).update(first_published_at=F("created_at"))
        deliverables.filter(first_published_at__isnull=True).update(first_published_at=moment)
    Deliverable.objects.filter(
        first_published_at__isnull=False, original_due_quarter__isnull=True
    ).update(
        original_start_quarter=F("start_quarter"),
        original_due_quarter=F("due_quarter"),
        original_title=F("title"),
        original_description=F("description"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0002_commitment"),
        ("plans", "0001_initial"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
