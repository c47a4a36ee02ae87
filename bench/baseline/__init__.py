"""The webhook benchmark's baseline: a table that stores raw bodies and nothing else. Installed
only by bench/webhook_settings.py, so production has neither the table nor the endpoint."""
