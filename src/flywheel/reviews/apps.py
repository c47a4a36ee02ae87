from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "flywheel.reviews"
    label = "reviews"
    verbose_name = _("Reviews")

    def ready(self) -> None:
        from flywheel.privacy.registry import register_eraser, register_exporter
        from flywheel.reviews.privacy import erase_reviews, export_reviews

        register_exporter("reviews", export_reviews)
        register_eraser("reviews", erase_reviews)
