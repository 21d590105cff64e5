import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from plans import demo


class Command(BaseCommand):
    help = (
        "Load deterministic demonstration data (replacing any earlier demo data): Dorset's "
        "roadmap, Cheshire's achievements, practice examples and generated plans for the "
        "other forces. Every page shows a 'demonstration data' banner while it is loaded."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=int, default=1, help="Multiply the generated volume (benchmarks)."
        )
        parser.add_argument("--seed", type=int, default=2022, help="Random seed.")
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="Date to generate data up to (YYYY-MM-DD); default today.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if any plan exists already (used by 'make run').",
        )
        parser.add_argument("--clear", action="store_true", help="Remove demo data and stop.")

    def handle(self, *args, scale, seed, today, if_empty, clear, **options):
        from plans.models import Plan

        if clear:
            demo.clear()
            self.stdout.write("Demonstration data removed.")
            return
        if if_empty and Plan.objects.exists():
            self.stdout.write("Plans exist already: demonstration data not loaded.")
            return
        try:
            counts = demo.seed(today or timezone.localdate(), scale=scale, seed=seed)
        except ValueError as error:
            raise CommandError(str(error)) from error
        summary = ", ".join(f"{n} {kind}" for kind, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Demonstration data loaded: {summary}."))
