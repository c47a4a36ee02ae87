from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "flywheel.reviews"
    label = "reviews"
    verbose_name = _("Reviews")

    def ready(self) -> None:
        from flywheel.core import hooks
        from flywheel.reviews.privacy import erase_reviews, export_reviews

        hooks.privacy_exporters.register(export_reviews, name="reviews")
        hooks.privacy_erasers.register(erase_reviews, name="reviews")
