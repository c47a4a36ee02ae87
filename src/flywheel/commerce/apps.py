from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def link_customers_on_email_confirmed(request, email_address, **kwargs) -> None:
    """allauth's email_confirmed: a member just proved an address; their store purchases
    under that address become theirs."""
    from flywheel.commerce.services import link_customers_for_member

    link_customers_for_member(email_address.user)


class CommerceConfig(AppConfig):
    name = "flywheel.commerce"
    label = "commerce"
    verbose_name = _("Store integration")

    def ready(self) -> None:
        from allauth.account.signals import email_confirmed

        from flywheel.commerce.queries import passes_purchase_gate, with_verified_buyer_authors
        from flywheel.core import hooks

        hooks.gate_checks.register(passes_purchase_gate, name="commerce.purchase")
        # The verified-buyer badge next to names on topic pages about a product.
        hooks.post_list_prefetches.register(
            with_verified_buyer_authors, name="commerce.verified_buyers"
        )
        # allauth's one hook for "this address is now verified" (by link or by code).
        email_confirmed.connect(
            link_customers_on_email_confirmed, dispatch_uid="commerce-link-customers"
        )
        register_privacy_handlers()


def register_privacy_handlers() -> None:
    """The member's linked customers and orders in their data export and account erasure."""
    from flywheel.commerce.privacy import erase_commerce, export_commerce
    from flywheel.core import hooks

    hooks.privacy_exporters.register(export_commerce, name="commerce")
    hooks.privacy_erasers.register(erase_commerce, name="commerce")
