from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from alerts.subscriptions import forget_unconfirmed


class Command(BaseCommand):
    help = (
        "Delete e-mail alert sign-ups not confirmed within ALERTS_UNCONFIRMED_DAYS (7). Run daily."
    )

    def handle(self, *args, **options):
        deleted = forget_unconfirmed(timezone.now())
        self.stdout.write(
            f"Deleted {deleted} sign-ups not confirmed within "
            f"{settings.ALERTS_UNCONFIRMED_DAYS} days."
        )
