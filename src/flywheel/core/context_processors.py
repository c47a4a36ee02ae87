from django.conf import settings
from django.contrib.sites.models import Site


def brand(request):
    """The brand's community name: the Site's name (cached by Django), else the setting."""
    try:
        name = Site.objects.get_current().name
    except Site.DoesNotExist:
        name = ""
    return {"brand_name": name if name and name != "example.com" else settings.BRAND_NAME}
