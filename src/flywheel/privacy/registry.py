"""Where apps plug their data into export and erasure: a thin name-keyed view of the two hooks
in flywheel.core.hooks (privacy_exporters, privacy_erasers).

Every app that stores personal data registers two functions in its AppConfig.ready(), from its
own privacy.py (apps below privacy, such as accounts and community, register straight into
the core hooks, so they never import this app):

    from flywheel.core import hooks

    hooks.privacy_exporters.register(export_orders, name="orders")  # (member) -> data
    hooks.privacy_erasers.register(erase_orders, name="orders")     # (member, *, content)

* An exporter returns what the member's data export holds under ``name`` in data.json
  (dicts, lists, strings, numbers; datetimes are written as ISO 8601). It may also return an
  ``ExportFiles`` to add files to the zip (under files/<name>/).
* An eraser removes or anonymises the member's personal data in its app. ``content`` is
  "anonymise" (keep what they wrote, without their identity) or "delete". It runs inside the
  erasure transaction, before the member row becomes a tombstone, and must be idempotent:
  a webhook may erase the same member twice. Erasers of rows others read (community's posts)
  register with ``order=hooks.ERASE_LAST``.

Names are unique; registering a name again replaces the function (handy in tests).
"""

from flywheel.core.hooks import (
    ExportFiles,
    PrivacyEraser,
    PrivacyExporter,
    privacy_erasers,
    privacy_exporters,
)

__all__ = [
    "ExportFiles",
    "erasers",
    "exporters",
    "register_eraser",
    "register_exporter",
    "unregister",
]


def register_exporter(name: str, exporter: PrivacyExporter) -> None:
    privacy_exporters.register(exporter, name=name)


def register_eraser(name: str, eraser: PrivacyEraser) -> None:
    privacy_erasers.register(eraser, name=name)


def unregister(name: str) -> None:
    privacy_exporters.unregister(name)
    privacy_erasers.unregister(name)


def exporters() -> dict[str, PrivacyExporter]:
    return dict(privacy_exporters.items())


def erasers() -> dict[str, PrivacyEraser]:
    return dict(privacy_erasers.items())
