from django.core.management.base import BaseCommand

from alerts.models import Subscription
from alerts.tasks import send_digests


class Command(BaseCommand):
    help = (
        "Queue the digests due to every force's followers (the worker sends them, at most "
        "one a day each). Run daily: it catches what was published after a follower's "
        "message of the day."
    )

    def handle(self, *args, **options):
        forces = (
            Subscription.objects.confirmed()
            .order_by("force_id")
            .values_list("force_id", flat=True)
            .distinct()
        )
        for force_id in forces:
            send_digests.enqueue(force_id)
        self.stdout.write(f"Queued the digests of {len(forces)} followed forces.")
