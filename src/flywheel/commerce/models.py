"""Stores, what they sell and who buys: mirrored from Shopify, WooCommerce and BigCommerce.

Every mirrored row is unique per (store, external id) so that webhooks, back-fills and CSV
imports can all upsert the same record without duplicates. `platform_updated_at` is the
platform's own clock for the row: an older update never overwrites a newer one.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from flywheel.core.encryption import EncryptedTextField

ZERO = Decimal("0.00")


class Platform(models.TextChoices):
    SHOPIFY = "shopify", _("Shopify")
    WOOCOMMERCE = "woocommerce", _("WooCommerce")
    BIGCOMMERCE = "bigcommerce", _("BigCommerce")


def money_field(verbose_name):
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=2, default=ZERO)


class Store(models.Model):
    """One connected shop. Secrets are stored encrypted and never rendered anywhere."""

    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    domain = models.CharField(
        _("domain"),
        max_length=255,
        unique=True,
        help_text=_("The shop's host name, e.g. example.myshopify.com or shop.example.com."),
    )
    # BigCommerce identifies a store by its hash ("stores/{hash}" in every webhook).
    platform_store_id = models.CharField(
        _("platform store id"), max_length=100, blank=True, db_index=True
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    # Encrypted at rest (core/encryption.py); store.webhook_secret and store.api_token read
    # and write the plaintext.
    webhook_secret = EncryptedTextField(_("webhook secret"))
    api_token = EncryptedTextField(_("API token"), blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    active = models.BooleanField(_("active"), default=True)
    last_synced_at = models.DateTimeField(_("last synced at"), null=True, blank=True)
    uninstalled_at = models.DateTimeField(_("uninstalled at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("store")
        verbose_name_plural = _("stores")
        ordering = ["domain"]

    def __str__(self) -> str:
        return f"{self.domain} ({self.get_platform_display()})"


class Customer(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="customers")
    external_id = models.CharField(_("external id"), max_length=100)
    email = models.EmailField(_("e-mail"), blank=True, db_index=True)
    first_name = models.CharField(_("first name"), max_length=200, blank=True)
    last_name = models.CharField(_("last name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    addresses = models.JSONField(_("addresses"), default=list, blank=True)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="store_customers",
        verbose_name=_("member"),
    )
    accepts_marketing = models.BooleanField(_("marketing consent"), default=False)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    redacted_at = models.DateTimeField(_("redacted at"), null=True, blank=True)
    platform_updated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        constraints = [
            models.UniqueConstraint(
                fields=["store", "external_id"], name="commerce_customer_unique_per_store"
            )
        ]

    def __str__(self) -> str:
        return self.email or f"{self.store_id}:{self.external_id}"

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


class FinancialStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    AUTHORIZED = "authorized", _("Authorised")
    PARTIALLY_PAID = "partially_paid", _("Partially paid")
    PAID = "paid", _("Paid")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
    REFUNDED = "refunded", _("Refunded")
    VOIDED = "voided", _("Voided")
    FAILED = "failed", _("Failed")
    UNKNOWN = "unknown", _("Unknown")


# The financial states in which an order counts as a purchase (see OrderQuerySet.counting).
PAID_STATUSES = (FinancialStatus.PAID, FinancialStatus.PARTIALLY_REFUNDED)


class FulfillmentStatus(models.TextChoices):
    UNFULFILLED = "unfulfilled", _("Unfulfilled")
    PARTIAL = "partial", _("Partially fulfilled")
    FULFILLED = "fulfilled", _("Fulfilled")
    RESTOCKED = "restocked", _("Restocked")


class OrderQuerySet(models.QuerySet):
    def counting(self) -> "OrderQuerySet":
        """THE definition of an order that counts as a purchase, used by gates, verified
        buyers, the staff spend panel, the activity log (and through it trust, tiers and
        points) and analytics: paid or partly refunded, not cancelled, not a test order.

        A fully refunded order is out through its status: the refund services set
        `refunded` once the refunds reach the total. `Order.counts_as_purchase` is the same
        rule for one loaded row; keep the two in step (tests/commerce/test_counting.py
        checks them against each other)."""
        return self.filter(
            cancelled_at__isnull=True, financial_status__in=PAID_STATUSES, test=False
        )


class Order(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="orders")
    external_id = models.CharField(_("external id"), max_length=100)
    number = models.CharField(_("number"), max_length=100, blank=True)
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    email = models.EmailField(_("e-mail"), blank=True)
    currency = models.CharField(_("currency"), max_length=3)
    subtotal = money_field(_("subtotal"))
    discount = money_field(_("discount"))
    tax = money_field(_("tax"))
    total = money_field(_("total"))
    # Sum of this order's Refund rows, kept in step by the services.
    refunded_total = money_field(_("refunded"))
    financial_status = models.CharField(
        _("financial status"),
        max_length=20,
        choices=FinancialStatus.choices,
        default=FinancialStatus.UNKNOWN,
    )
    fulfillment_status = models.CharField(
        _("fulfilment status"),
        max_length=20,
        choices=FulfillmentStatus.choices,
        default=FulfillmentStatus.UNFULFILLED,
    )
    billing_address = models.JSONField(default=dict, blank=True)
    shipping_address = models.JSONField(default=dict, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    # A test order (Shopify's `test: true`, placed through a test gateway or Bogus
    # Gateway): mirrored, never counted.
    test = models.BooleanField(_("test order"), default=False)
    # What the buyer came through, kept for referral attribution (docs/referrals.md): the
    # discount codes entered at checkout and the first page of the visit (Shopify's
    # `landing_site`, WooCommerce's order-attribution entry page).
    discount_codes = models.JSONField(_("discount codes"), default=list, blank=True)
    landing_site = models.CharField(_("landing page"), max_length=2000, blank=True)
    placed_at = models.DateTimeField(_("placed at"), null=True, blank=True)
    platform_updated_at = models.DateTimeField(_("updated at (platform)"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "external_id"], name="commerce_order_unique_per_store"
            )
        ]
        indexes = [
            models.Index(
                fields=["customer", "financial_status"],
                name="commerce_order_cust_status",
                condition=Q(cancelled_at__isnull=True),
            ),
            # Guest orders are matched by e-mail, case-insensitively (`email__iexact`: UPPER).
            models.Index(Upper("email"), name="commerce_order_email_upper"),
        ]

    def __str__(self) -> str:
        return f"#{self.number or self.external_id}"

    @property
    def counts_as_purchase(self) -> bool:
        """OrderQuerySet.counting() for this row (the same three conditions)."""
        return (
            self.cancelled_at is None and self.financial_status in PAID_STATUSES and not self.test
        )


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    external_id = models.CharField(_("external id"), max_length=100)
    product = models.ForeignKey(
        "Product", null=True, blank=True, on_delete=models.SET_NULL, related_name="order_lines"
    )
    variant = models.ForeignKey(
        "ProductVariant",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="order_lines",
    )
    # Kept as given so the line can be matched to its product when that arrives later.
    product_external_id = models.CharField(max_length=100, blank=True)
    variant_external_id = models.CharField(max_length=100, blank=True)
    sku = models.CharField(_("SKU"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=500, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    refunded_quantity = models.PositiveIntegerField(_("refunded quantity"), default=0)
    price = money_field(_("price"))
    total = money_field(_("total"))

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [
            models.UniqueConstraint(
                fields=["order", "external_id"], name="commerce_orderline_unique_per_order"
            )
        ]
        indexes = [models.Index(fields=["product", "order"], name="commerce_line_product")]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.title}"


class Refund(models.Model):
    """A refund as the platform reported it. It may arrive before its order (order is then
    empty and `order_external_id` says which order to attach it to once that arrives)."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="refunds")
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.CASCADE, related_name="refunds"
    )
    order_external_id = models.CharField(max_length=100, db_index=True)
    external_id = models.CharField(_("external id"), max_length=100)
    amount = money_field(_("amount"))
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    # [{"line_external_id": str, "quantity": int, "amount": "1.00"}]
    lines = models.JSONField(_("lines"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [
            models.UniqueConstraint(
                fields=["store", "external_id"], name="commerce_refund_unique_per_store"
            )
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


class Product(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="products")
    external_id = models.CharField(_("external id"), max_length=100)
    title = models.CharField(_("title"), max_length=500, blank=True)
    handle = models.CharField(_("handle"), max_length=500, blank=True)
    deleted = models.BooleanField(_("deleted"), default=False)
    platform_updated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "external_id"], name="commerce_product_unique_per_store"
            )
        ]

    def __str__(self) -> str:
        return self.title or self.external_id


class ProductVariant(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    external_id = models.CharField(_("external id"), max_length=100)
    title = models.CharField(_("title"), max_length=500, blank=True)
    sku = models.CharField(_("SKU"), max_length=200, blank=True)
    price = money_field(_("price"))
    deleted = models.BooleanField(_("deleted"), default=False)

    class Meta:
        verbose_name = _("product variant")
        verbose_name_plural = _("product variants")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "external_id"], name="commerce_variant_unique_per_product"
            )
        ]

    def __str__(self) -> str:
        return self.title or self.sku or self.external_id


class DeliveryStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    PROCESSING = "processing", _("Processing")
    PROCESSED = "processed", _("Processed")
    IGNORED = "ignored", _("Ignored (unknown topic)")
    FAILED = "failed", _("Failed (will retry)")
    DEAD = "dead", _("Dead (retries exhausted)")


class WebhookDelivery(models.Model):
    """The durable inbox: every verified delivery, stored before it is acknowledged."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="deliveries")
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    topic = models.CharField(_("topic"), max_length=100)
    # The platform's event id: a redelivery of the same event carries the same one.
    event_id = models.CharField(_("event id"), max_length=200)
    body = models.TextField(_("raw body"))
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    received_at = models.DateTimeField(_("received at"), db_index=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.RECEIVED,
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    # The store customer the body is about (platform id, or "guest:<email>"), read on
    # arrival: an erasure finds the raw bodies holding their personal data by this column.
    customer_external_id = models.CharField(
        _("customer external id"), max_length=100, blank=True, default=""
    )
    # Set when the body was blanked because its customer was erased.
    redacted_at = models.DateTimeField(_("redacted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "event_id"], name="commerce_delivery_event_unique_per_store"
            )
        ]
        indexes = [
            models.Index(fields=["status", "received_at"], name="commerce_delivery_status"),
            models.Index(
                fields=["store", "customer_external_id"],
                name="commerce_delivery_customer",
                condition=~Q(customer_external_id=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.platform} {self.topic} {self.event_id}"


class PrivacyRequestKind(models.TextChoices):
    DATA_REQUEST = "data_request", _("Customer data request")
    CUSTOMER_REDACT = "customer_redact", _("Customer erasure")
    SHOP_REDACT = "shop_redact", _("Shop erasure")


class PrivacyRequest(models.Model):
    """A privacy request from the platform (Shopify's mandatory compliance topics).

    Data requests are recorded for staff with a JSON export of what we hold; erasures are
    carried out when processed and recorded here as the audit trail."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="privacy_requests")
    kind = models.CharField(_("kind"), max_length=20, choices=PrivacyRequestKind.choices)
    delivery = models.OneToOneField(
        WebhookDelivery, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    customer_external_id = models.CharField(max_length=100, blank=True)
    export = models.JSONField(_("data we hold"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("privacy request")
        verbose_name_plural = _("privacy requests")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.customer_external_id}"


class SpaceGate(models.Model):
    """What unlocks a gated space: a paid order of one of these products, or any paid order."""

    space = models.OneToOneField(
        "community.Space", on_delete=models.CASCADE, related_name="purchase_gate"
    )
    any_order = models.BooleanField(
        _("any order"), default=False, help_text=_("Any paid order opens the space.")
    )
    products = models.ManyToManyField(Product, blank=True, related_name="space_gates")

    class Meta:
        verbose_name = _("purchase gate")
        verbose_name_plural = _("purchase gates")

    def __str__(self) -> str:
        return str(self.space)


class SyncResource(models.TextChoices):
    CUSTOMERS = "customers", _("Customers")
    PRODUCTS = "products", _("Products")
    ORDERS = "orders", _("Orders")
    # The hourly reconciliation keeps its own high-water mark apart from the back-fill.
    RECONCILE = "reconcile", _("Reconciliation")


class SyncCursor(models.Model):
    """Where a REST back-fill of one resource stands, so an interrupted run resumes at the
    page that failed; for reconciliation, the time of the last complete pass."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="sync_cursors")
    resource = models.CharField(_("resource"), max_length=20, choices=SyncResource.choices)
    # The platform's cursor for the next page to fetch ("" = the first page).
    cursor = models.TextField(_("cursor"), blank=True)
    updated_since = models.DateTimeField(_("changed since"), null=True, blank=True)
    items_done = models.PositiveIntegerField(_("records imported"), default=0)
    pages_done = models.PositiveIntegerField(_("pages imported"), default=0)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("sync cursor")
        verbose_name_plural = _("sync cursors")
        constraints = [
            models.UniqueConstraint(
                fields=["store", "resource"], name="commerce_synccursor_unique_per_store"
            )
        ]

    def __str__(self) -> str:
        return f"{self.store_id}:{self.resource}"
