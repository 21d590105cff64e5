"""The trend's figures stored per force (``actions.span_models``), filled from the updates:
each public roadmap's published updates of active deliverables grouped into status spans, and
its count of active deliverables. From here on every write that changes public pages keeps
them right (``actions.models.refresh_trend_figures``)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery

import plans.fields


def fill(apps, schema_editor):
    Plan = apps.get_model("plans", "Plan")
    Deliverable = apps.get_model("actions", "Deliverable")
    QuarterlyUpdate = apps.get_model("actions", "QuarterlyUpdate")
    StatusSpan = apps.get_model("actions", "StatusSpan")
    RoadmapSize = apps.get_model("actions", "RoadmapSize")
    published = Plan.objects.filter(is_published=True)
    newest = published.filter(force=OuterRef("force")).order_by("-first_quarter", "-pk")
    roadmaps = published.filter(pk=Subquery(newest.values("pk")[:1]))
    deliverables = Deliverable.objects.filter(plan__in=roadmaps, withdrawn_at__isnull=True)
    sizes = deliverables.order_by().values("plan__force").annotate(n=Count("pk"))
    RoadmapSize.objects.bulk_create(
        RoadmapSize(force_id=row["plan__force"], deliverables=row["n"]) for row in sizes
    )
    updates = QuarterlyUpdate.objects.filter(published_at__isnull=False)
    following = (
        updates.filter(deliverable=OuterRef("deliverable"), quarter__gt=OuterRef("quarter"))
        .order_by("quarter")
        .values("quarter")[:1]
    )
    spans = (
        updates.filter(deliverable__in=deliverables)
        .annotate(until=Subquery(following))
        .order_by()
        .values("deliverable__plan__force", "quarter", "until", "status")
        .annotate(n=Count("pk"))
    )
    StatusSpan.objects.bulk_create(
        StatusSpan(
            force_id=row["deliverable__plan__force"],
            quarter=row["quarter"],
            until=row["until"],
            status=row["status"],
            n=row["n"],
        )
        for row in spans
    )


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0006_deliverable_published_status"),
        ("plans", "0005_reminder_sender_and_email"),
    ]

    operations = [
        migrations.CreateModel(
            name="RoadmapSize",
            fields=[
                (
                    "force",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="plans.force",
                    ),
                ),
                ("deliverables", models.PositiveIntegerField()),
            ],
        ),
        migrations.CreateModel(
            name="StatusSpan",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("not_started", "Not started"),
                            ("on_track", "On track"),
                            ("at_risk", "At risk"),
                            ("off_track", "Off track"),
                            ("complete", "Complete"),
                        ],
                        max_length=20,
                    ),
                ),
                ("quarter", plans.fields.QuarterField()),
                ("until", plans.fields.QuarterField(blank=True, null=True)),
                ("n", models.PositiveIntegerField()),
                (
                    "force",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="plans.force",
                    ),
                ),
            ],
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
