"""Load the fixed reference data: 44 forces, 4 workstreams, 19 national actions, and the
official disparity figures (``indicators.loading``).

Idempotent: rows are matched on their slug or code, changed rows are updated in place and
nothing is duplicated. Run it after every deploy; it is safe to run any number of times.
It also marks every public page changed, so cached pages are rendered again by the new code.
"""

import csv
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from indicators.loading import load_indicators
from plans.cache import all_content_changed
from plans.models import Force
from workstreams.models import NationalAction, Workstream

PLANS_REFERENCE = Path(settings.BASE_DIR) / "plans" / "reference"
WORKSTREAMS_REFERENCE = Path(settings.BASE_DIR) / "workstreams" / "reference"


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def sync(model, key: str, rows: list[dict]) -> tuple[int, int]:
    """Create or update ``model`` rows matched on ``key``; returns (created, updated)."""
    created = updated = 0
    existing = {getattr(obj, key): obj for obj in model.objects.all()}
    for values in rows:
        obj = existing.get(values[key])
        if obj is None:
            model.objects.create(**values)
            created += 1
        elif any(getattr(obj, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(obj, field, value)
            obj.save()
            updated += 1
    return created, updated


class Command(BaseCommand):
    help = (
        "Load or refresh forces, workstreams, national actions and the official disparity "
        "figures (idempotent)."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        websites = {
            r["slug"]: r["website"] for r in read_rows(PLANS_REFERENCE / "force-websites.csv")
        }
        forces = [
            {
                "slug": r["slug"],
                "name": r["name"],
                "region": r["region"],
                "country": r["country"],
                "website": websites.get(r["slug"], ""),
            }
            for r in read_rows(PLANS_REFERENCE / "forces.csv")
        ]
        workstreams = [
            {
                "slug": r["slug"],
                "order": int(r["order"]),
                "name": r["name"],
                "also_called": r["also_called"],
                "national_name": r["national_workstream"],
                "aim": r["aim"],
            }
            for r in read_rows(WORKSTREAMS_REFERENCE / "workstreams.csv")
        ]
        report = {
            "forces": sync(Force, "slug", forces),
            "workstreams": sync(Workstream, "slug", workstreams),
        }
        by_slug = {w.slug: w for w in Workstream.objects.all()}
        actions = [
            {"code": r["code"], "workstream": by_slug[r["workstream"]], "title": r["title"]}
            for r in read_rows(WORKSTREAMS_REFERENCE / "national-actions.csv")
        ]
        report["national actions"] = sync(NationalAction, "code", actions)
        for name, (created, updated, deleted) in load_indicators().items():
            report[name] = (created, updated)
            if deleted:
                self.stdout.write(f"{name}: {deleted} removed")
        # Always, not only when a row changed: this runs on every release, and pages cached
        # by the previous release's code must not outlive it.
        all_content_changed()
        for name, (created, updated) in report.items():
            self.stdout.write(f"{name}: {created} created, {updated} updated")
