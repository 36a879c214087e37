using PortVeil.Cli.Tests.Commands;
using PortVeil.Cli.Tests.Reporting;

namespace PortVeil.Cli.Tests.Backends;

public sealed class SqliteExportCommandTests() : ExportCommandTests(new OperatorState());
