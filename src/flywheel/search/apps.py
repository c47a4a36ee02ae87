from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "flywheel.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from flywheel.core import hooks
        from flywheel.search.consumers import index_for_activity
        from flywheel.search.services import index_posts

        hooks.activity_consumers.register(
            index_for_activity, name="flywheel.search.consumers.index_for_activity"
        )
        # Posts blanked by an erasure leave the index once it commits.
        hooks.posts_changed.register(index_posts, name="search.index_posts")
