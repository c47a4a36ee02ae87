"""Where apps plug their data into export and erasure.

Every app that stores personal data registers two functions in its AppConfig.ready():

    from flywheel.privacy.registry import register_eraser, register_exporter

    register_exporter("orders", export_orders)      # (member) -> JSON-serialisable data
    register_eraser("orders", erase_orders)         # (member, *, content) -> None

* An exporter returns what the member's data export holds under ``name`` in data.json
  (dicts, lists, strings, numbers; datetimes are written as ISO 8601). It may also return an
  ``ExportFiles`` to add files to the zip (under files/<name>/).
* An eraser removes or anonymises the member's personal data in its app. ``content`` is
  "anonymise" (keep what they wrote, without their identity) or "delete". It runs inside the
  erasure transaction, before the member row becomes a tombstone, and must be idempotent:
  a webhook may erase the same member twice.

Names are unique; registering a name again replaces the function (handy in tests).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Exporter = Callable[[Any], Any]
Eraser = Callable[..., None]

_exporters: dict[str, Exporter] = {}
_erasers: dict[str, Eraser] = {}


@dataclass
class ExportFiles:
    """An exporter's answer when it also has files: JSON data plus {zip name: bytes}."""

    data: Any
    files: dict[str, bytes] = field(default_factory=dict)


def register_exporter(name: str, exporter: Exporter) -> None:
    _exporters[name] = exporter


def register_eraser(name: str, eraser: Eraser) -> None:
    _erasers[name] = eraser


def unregister(name: str) -> None:
    _exporters.pop(name, None)
    _erasers.pop(name, None)


def exporters() -> dict[str, Exporter]:
    return dict(_exporters)


def erasers() -> dict[str, Eraser]:
    return dict(_erasers)
