import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo import story


class Command(BaseCommand):
    help = (
        "Load deterministic demonstration data (replacing any earlier demo data): Dorset's "
        "roadmap, Cheshire's achievements, practice examples and generated plans for the "
        "other forces, and two demo staff accounts (a Dorset coordinator and a national team "
        "member) whose passwords are printed once. Every page shows a 'demonstration data' "
        "banner while it is loaded."
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
        parser.add_argument(
            "--clear",
            action="store_true",
            help="Remove demo data, switch the demo staff accounts off and stop.",
        )
        parser.add_argument(
            "--staff-passwords",
            action="store_true",
            help="Only give the demo staff accounts new passwords and print them.",
        )

    def handle(self, *args, scale, seed, today, if_empty, clear, staff_passwords, **options):
        from plans.models import Plan

        if clear:
            story.clear()
            self.stdout.write("Demonstration data removed; demo staff accounts switched off.")
            return
        if staff_passwords:
            if not Plan.objects.filter(is_demo=True).exists():
                raise CommandError(
                    "Demonstration data is not loaded, so there are no demo staff accounts. "
                    "Run python manage.py seed_demo first."
                )
            self._print_staff(story.demo_staff())
            return
        if if_empty and Plan.objects.exists():
            self.stdout.write("Plans exist already: demonstration data not loaded.")
            if Plan.objects.filter(is_demo=True).exists():
                self.stdout.write(
                    "To sign in as a demo coordinator or national team member, get new "
                    "passwords with: python manage.py seed_demo --staff-passwords"
                )
            return
        try:
            counts = story.seed(today or timezone.localdate(), scale=scale, seed=seed)
        except ValueError as error:
            raise CommandError(str(error)) from error
        summary = ", ".join(f"{n} {kind}" for kind, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Demonstration data loaded: {summary}."))
        self._print_staff(story.demo_staff())

    def _print_staff(self, accounts) -> None:
        self.stdout.write(
            "\nDemo staff accounts (sign in at /accounts/sign-in/). The passwords are shown "
            "this once; for new ones run: python manage.py seed_demo --staff-passwords\n"
        )
        for user, password in accounts:
            force = f" ({user.force.name})" if user.force else ""
            self.stdout.write(f"    {user.get_role_display()}{force}")
            self.stdout.write(f"        e-mail:   {user.email}")
            self.stdout.write(f"        password: {password}")
        self.stdout.write("")
