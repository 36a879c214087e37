using PortVeil.Cli.Tests.Commands;

namespace PortVeil.Cli.Tests.Backends;

public sealed class SqliteExplainCommandTests() : ExplainCommandTests(new OperatorState());
