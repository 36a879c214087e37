using Microsoft.Data.Sqlite;
using PortVeil.Core;

namespace PortVeil.Storage.Sqlite;

public sealed partial class SqliteStore
{
    // A SQLite file belongs to one host, so there is no fleet to import from; the table exists (schema version 4
    // is the same on both backends) and these methods work, so the same store tests run on both.
    public Task RecordFleetImportAsync(FleetImport import, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(import);
        Run(c =>
        {
            using var cmd = Command(c, null, FleetSql.UpsertImport);
            cmd.Parameters.AddWithValue("@uid", import.BanId.ToString("D"));
            cmd.Parameters.AddWithValue("@host", import.Host);
            cmd.Parameters.AddWithValue("@at", import.DecidedAt.ToUnixTimeMilliseconds());
            cmd.Parameters.AddWithValue("@outcome", StorageNames.Of(import.Outcome));
            cmd.Parameters.AddWithValue("@detail", DbNullable(import.Detail));
            return cmd.ExecuteNonQuery();
        }, cancellationToken);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<FleetImport>> ListFleetImportsAsync(Guid banId, CancellationToken cancellationToken = default)
    {
        var list = Run(c =>
        {
            using var cmd = Command(c, null, FleetSql.ListImports);
            cmd.Parameters.AddWithValue("@uid", banId.ToString("D"));
            var rows = new List<FleetImport>();
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                rows.Add(FleetSql.ReadImport(r));
            }

            return rows;
        }, cancellationToken);
        return Task.FromResult<IReadOnlyList<FleetImport>>(list);
    }

    public Task<int> CountReportingHostsAsync(SourceKey source, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        var count = Run(c =>
        {
            using var cmd = Command(c, null, FleetSql.CountReportingHosts);
            cmd.Parameters.AddWithValue("@source", source.Address.ToString());
            cmd.Parameters.AddWithValue("@kind", (int)source.Kind);
            cmd.Parameters.AddWithValue("@since", ToUnixNs(since));
            cmd.Parameters.AddWithValue("@since_ms", since.ToUnixTimeMilliseconds());
            return ExecuteCount(cmd);
        }, cancellationToken);
        return Task.FromResult((int)count);
    }
}
