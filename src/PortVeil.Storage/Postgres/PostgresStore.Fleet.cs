using PortVeil.Core;

namespace PortVeil.Storage.Postgres;

public sealed partial class PostgresStore
{
    public Task RecordFleetImportAsync(FleetImport import, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(import);
        return RunAsync(async (c, ct) =>
        {
            await using var cmd = Command(c, null, FleetSql.UpsertImport);
            cmd.Parameters.AddWithValue("uid", import.BanId.ToString("D"));
            cmd.Parameters.AddWithValue("host", import.Host);
            cmd.Parameters.AddWithValue("at", import.DecidedAt.ToUnixTimeMilliseconds());
            cmd.Parameters.AddWithValue("outcome", StorageNames.Of(import.Outcome));
            cmd.Parameters.AddWithValue("detail", NpgsqlTypes.NpgsqlDbType.Text, DbNullable(import.Detail));
            return await cmd.ExecuteNonQueryAsync(ct);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<FleetImport>> ListFleetImportsAsync(Guid banId, CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<FleetImport>>(async (c, ct) =>
        {
            await using var cmd = Command(c, null, FleetSql.ListImports);
            cmd.Parameters.AddWithValue("uid", banId.ToString("D"));
            var rows = new List<FleetImport>();
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                rows.Add(FleetSql.ReadImport(r));
            }

            return rows;
        }, cancellationToken);

    public Task<int> CountReportingHostsAsync(SourceKey source, DateTimeOffset since, CancellationToken cancellationToken = default) =>
        RunAsync(async (c, ct) =>
        {
            await using var cmd = Command(c, null, FleetSql.CountReportingHosts);
            cmd.Parameters.AddWithValue("source", source.Address.ToString());
            cmd.Parameters.AddWithValue("kind", (int)source.Kind);
            cmd.Parameters.AddWithValue("since", ToUnixNs(since));
            cmd.Parameters.AddWithValue("since_ms", since.ToUnixTimeMilliseconds());
            return (int)ToLong(await cmd.ExecuteScalarAsync(ct));
        }, cancellationToken);
}
