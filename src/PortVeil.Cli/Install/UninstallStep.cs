namespace PortVeil.Cli.Install;

/// <summary>One thing `portveil uninstall` did, skipped, kept or failed to do.</summary>
/// <param name="Name">What the step is about: "unit", "table", "program", "config", …</param>
/// <param name="Outcome">"removed", "stopped", "absent", "kept", "skipped" or "failed".</param>
/// <param name="Detail">A plain sentence: which path, which table, why it was skipped.</param>
internal sealed record UninstallStep(string Name, string Outcome, string Detail)
{
    public bool Failed => Outcome == "failed";
}
