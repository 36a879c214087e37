namespace PortVeil.Storage.Migrations;

/// <summary>
/// The database a migration is rendered for. Migrations are written once in the subset of SQL that SQLite and
/// PostgreSQL share (BIGINT, INTEGER, TEXT, DOUBLE PRECISION, BOOLEAN with TRUE/FALSE, ON CONFLICT), plus one
/// token, <c>{id}</c>, for the auto-numbered primary key, which the two spell differently.
/// </summary>
public enum SqlDialect
{
    Sqlite,
    Postgres,
}
