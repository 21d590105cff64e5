from django.core.management.base import BaseCommand

from search.index import rebuild


class Command(BaseCommand):
    help = (
        "Rewrite the search index from the published content. Every write that changes a "
        "public page keeps it current; run this after changing rows by other means (SQL, "
        "loaddata)."
    )

    def handle(self, *args, **options):
        count = rebuild()
        self.stdout.write(f"Search index rebuilt: {count} documents.")
