"""`backup` and `restore`: the command line for an operator."""

from __future__ import annotations

from pathlib import Path

import click

from ecdop.backups.services import BackupRefused, make_backup, restore_backup


@click.command("backup")
@click.option(
    "--output",
    "directory",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="A new (or empty) folder for the backup; readable by its owner only",
)
def backup_command(directory: Path) -> None:
    """Write a consistent backup of the database, with a manifest to check it by."""
    try:
        manifest = make_backup(directory)
    except (BackupRefused, OSError) as refused:
        raise click.ClickException(str(refused)) from refused
    rows = sum(manifest.row_counts.values())
    click.echo(f"Backed up {rows:,} rows in {len(manifest.row_counts)} tables "
               f"(schema {manifest.schema_revision}) to {directory}.")  # fmt: skip
    documents = manifest.documents
    click.echo(f"  with {documents['kept']:,} document(s) kept with cases, "
               f"{documents['bytes']:,} bytes")  # fmt: skip
    if documents["incomplete"]:
        click.echo(f"Warning: {documents['incomplete']} document(s) have less content stored "
                   "than their size: the backup holds them as they are.", err=True)  # fmt: skip
    for name, digest in manifest.files.items():
        click.echo(f"  {name}  SHA-256 {digest}")
    click.echo(
        "Keep the secrets (SECRET_KEY, the database, SMTP and Redis passwords) safe as well,"
        " apart from it."
    )


@click.command("restore")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
def restore_command(directory: Path) -> None:
    """Restore a backup into a new, empty database, check it, and hold unsent mail."""
    try:
        restored = restore_backup(directory)
    except (BackupRefused, OSError) as refused:
        raise click.ClickException(f"Not restored: {refused}") from refused
    manifest = restored.manifest
    click.echo(f"Restored the backup made at {manifest.made_at} (schema "
               f"{manifest.schema_revision}); every table's rows match the manifest.")  # fmt: skip
    if manifest.documents:
        click.echo(f"Its {manifest.documents['kept']:,} document(s) came back whole.")
    if restored.upgraded_to:
        click.echo(f"Upgraded the schema to {restored.upgraded_to}.")
    click.echo(
        f"The audit trail is intact: {restored.chain.checked:,} events in an unbroken chain."
    )
    click.echo(f"{restored.held} message{'s' if restored.held != 1 else ''} waiting at backup "
               "time now held: decide on the Outbox page which should go.")  # fmt: skip
    due = restored.retention_due
    click.echo(f"{due} {'item' if due == 1 else 'items'} past retention listed for approval "
               "again: an administrator puts each list forward on the Retention page, and a "
               "second person approves it.")  # fmt: skip
