using PortVeil.Cli.Tests.Commands;
using PortVeil.Cli.Tests.Reporting;

namespace PortVeil.Cli.Tests.Backends;

[Collection(PostgresCliCollection.Name)]
public sealed class PostgresExportCommandTests(PostgresCliFixture postgres) : ExportCommandTests(new OperatorState(postgres.Cluster));
