namespace PortVeil.Storage.Migrations;

/// <summary>One schema step. Versions start at 1 and increase by one; a released migration is never edited.</summary>
public sealed record Migration(int Version, string Name, string Sql)
{
    public string Render(SqlDialect dialect) => Sql.Replace(
        "{id}",
        dialect == SqlDialect.Postgres ? "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY" : "INTEGER PRIMARY KEY",
        StringComparison.Ordinal);
}
