from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"

    def ready(self) -> None:
        # The index changes with what the public sees: in the transaction of every write
        # that gives public pages a new content version (plans.cache), for the same forces.
        from plans.cache import on_content_change
        from search.index import reindex_forces

        on_content_change(reindex_forces)
