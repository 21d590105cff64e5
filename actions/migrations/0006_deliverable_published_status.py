"""Each deliverable's stored published status and quarter (``Deliverable.published_status``),
filled from its updates: the status and quarter of its latest published update, Not started
and none when it has none. From here on every write of updates keeps them right."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

import plans.fields


def fill(apps, schema_editor):
    Deliverable = apps.get_model("actions", "Deliverable")
    QuarterlyUpdate = apps.get_model("actions", "QuarterlyUpdate")
    latest = (
        QuarterlyUpdate.objects.filter(published_at__isnull=False, deliverable=OuterRef("pk"))
        .order_by("-quarter")
    )
    Deliverable.objects.update(
        published_status=Coalesce(Subquery(latest.values("status")[:1]), Value("not_started")),
        published_status_quarter=Subquery(latest.values("quarter")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0005_engagement_uploads"),
    ]

    operations = [
        migrations.AddField(
            model_name="deliverable",
            name="published_status",
            field=models.CharField(
                choices=[
                    ("not_started", "Not started"),
                    ("on_track", "On track"),
                    ("at_risk", "At risk"),
                    ("off_track", "Off track"),
                    ("complete", "Complete"),
                ],
                default="not_started",
                editable=False,
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="deliverable",
            name="published_status_quarter",
            field=plans.fields.QuarterField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
