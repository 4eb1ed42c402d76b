from django.apps import AppConfig


class EditorialConfig(AppConfig):
    name = "editorial"
    verbose_name = "Editorial"

    def ready(self) -> None:
        # Every content model is edited through the workflow (editorial.checks).
        from . import checks

        checks.register()

        # Every role's group and its permissions come with `migrate`, so a deployment has
        # them without any other step; sent per app, this one is editorial's alone.
        from django.db.models.signals import post_migrate

        from . import roles

        post_migrate.connect(roles.sync_after_migrate, sender=self, dispatch_uid="roles_sync")

        # Delivery learns of publishing from the workflow's signals, never the reverse.
        from . import signals
        from .public import cache

        for signal in (signals.page_published, signals.page_unpublished):
            signal.connect(cache.invalidate_on_publish, dispatch_uid="public_cache")

        from .public import frontend_cache

        signals.page_published.connect(frontend_cache.purge_on_publish, dispatch_uid="frontend")
        signals.page_unpublished.connect(frontend_cache.purge_on_unpublish, dispatch_uid="frontend")

        # Every page shows the site's identity: a change to it makes every page stale.
        from . import identity

        signals.identity_changed.connect(identity.forget_on_change, dispatch_uid="identity")
        signals.identity_changed.connect(cache.invalidate_on_publish, dispatch_uid="public_cache")
        signals.identity_changed.connect(frontend_cache.purge_everything, dispatch_uid="frontend")
