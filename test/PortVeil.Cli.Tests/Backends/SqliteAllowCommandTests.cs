using PortVeil.Cli.Tests.Commands;

namespace PortVeil.Cli.Tests.Backends;

public sealed class SqliteAllowCommandTests() : AllowCommandTests(new OperatorState());
