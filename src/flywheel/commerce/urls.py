from django.urls import path

from flywheel.commerce import views

app_name = "commerce"
urlpatterns = [
    path("webhooks/shopify/", views.shopify_webhook, name="webhook_shopify"),
    path("webhooks/woocommerce/", views.woocommerce_webhook, name="webhook_woocommerce"),
    path("webhooks/bigcommerce/", views.bigcommerce_webhook, name="webhook_bigcommerce"),
]
