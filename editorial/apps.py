from django.apps import AppConfig


class EditorialConfig(AppConfig):
    name = "editorial"
    verbose_name = "Editorial"

    def ready(self) -> None:
        # Delivery learns of publishing from the workflow's signals, never the reverse.
        from . import public_cache, signals

        for signal in (signals.page_published, signals.page_unpublished):
            signal.connect(public_cache.invalidate_on_publish, dispatch_uid="public_cache")

        from . import frontend_cache

        signals.page_published.connect(frontend_cache.purge_on_publish, dispatch_uid="frontend")
        signals.page_unpublished.connect(frontend_cache.purge_on_unpublish, dispatch_uid="frontend")
