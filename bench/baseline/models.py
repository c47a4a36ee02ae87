from django.db import models


class BenchBody(models.Model):
    """Raw bodies stored by the baseline endpoint (bench/webhook_urls.py)."""

    body = models.TextField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "bench_body"

    def __str__(self) -> str:
        return f"bench body {self.pk}"
