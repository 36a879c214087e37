namespace PortVeil.Cli.Operator;

/// <summary>Why <see cref="CliStore.Open"/> returned no store; each verb maps it to its documented exit code.</summary>
internal enum CliStoreFailure
{
    None,

    /// <summary>The SQLite file is not there and the verb only reads.</summary>
    Missing,

    /// <summary>The database could not be opened, migrated or reached.</summary>
    Failed,
}
