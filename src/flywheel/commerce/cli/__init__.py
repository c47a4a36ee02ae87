"""Subcommands of `flywheel commerce`. Each module in this package that defines
`register(subparsers) -> None` adds its subcommands; a subcommand's parser carries its
handler as `set_defaults(handler=callable(command, options))`. Add a module to
SUBCOMMAND_MODULES to plug it in (part 2: import/sync)."""

SUBCOMMAND_MODULES = [
    "flywheel.commerce.cli.connect",
    "flywheel.commerce.cli.replay",
    "flywheel.commerce.cli.import_cmd",
    "flywheel.commerce.cli.sync_cmd",
]
