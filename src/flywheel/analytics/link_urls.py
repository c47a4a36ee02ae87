"""The public product-link redirect (analytics/links.py), mounted at /go/ outside the console."""

from django.urls import path

from flywheel.analytics import views

app_name = "analytics_links"

urlpatterns = [path("<str:token>/", views.product_link, name="product_link")]
