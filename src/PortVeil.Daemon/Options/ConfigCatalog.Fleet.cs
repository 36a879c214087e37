using PortVeil.Daemon.Fleet;
using PortVeil.Daemon.Options.Types;
using PortVeil.Storage;

namespace PortVeil.Daemon.Options;

internal static partial class ConfigCatalog
{
    private static ConfigSection Fleet()
    {
        const string S = "fleet";
        return new ConfigSection(S, "Fleet mode: hosts sharing one PostgreSQL database (storage.backend = \"postgresql\") enforce each other's bans within a second (docs/fleet.md).",
        [
            ConfigKey.Create(S, "enabled", BoolType.Instance,
                "Enforce here the bans other hosts make (LISTEN/NOTIFY, with catch-up after a disconnect). This host's allowlist still wins: an imported ban of an allowlisted address is refused and logged.",
                c => c.Fleet.Enabled, (c, v) => c.Fleet.Enabled = v, nameof(FleetOptions.Enabled)),
            ConfigKey.Create(S, "consensus", new IntegerType(1, 100, "hosts"),
                "Distinct hosts that must report a source before its ban is imported here; 1 = any one host's ban.",
                c => c.Fleet.Consensus, (c, v) => c.Fleet.Consensus = (int)v, nameof(FleetOptions.Consensus)),
            ConfigKey.Create(S, "consensus_window", new DurationType(TimeSpan.FromMinutes(1), TimeSpan.FromDays(7)),
                "How far back the reports of other hosts count towards the consensus.",
                c => c.Fleet.ConsensusWindow, (c, v) => c.Fleet.ConsensusWindow = v, nameof(FleetOptions.ConsensusWindow)),
        ], c => [.. Annotations(c.Fleet), .. (c.Fleet.Enabled && c.StorageBackend != StorageBackend.Postgresql
            ? ["fleet.enabled needs storage.backend = \"postgresql\" (a SQLite file is not shared between hosts)"]
            : Array.Empty<string>())]);
    }
}
