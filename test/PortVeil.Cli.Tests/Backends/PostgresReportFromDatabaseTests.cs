using PortVeil.Cli.Tests.Commands;
using PortVeil.Cli.Tests.Reporting;

namespace PortVeil.Cli.Tests.Backends;

[Collection(PostgresCliCollection.Name)]
public sealed class PostgresReportFromDatabaseTests(PostgresCliFixture postgres) : ReportFromDatabaseTests(new OperatorState(postgres.Cluster));
