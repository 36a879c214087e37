using Microsoft.Extensions.Logging;

namespace PortVeil.Daemon;

internal static partial class LogMessages
{
    [LoggerMessage(EventId = 1500, Level = LogLevel.Warning, Message = "[portveil] Ban {Target} for {Duration} (imported from fleet host {Origin}: {Reason})")]
    public static partial void FleetBan(ILogger logger, string target, TimeSpan duration, string origin, string reason);

    [LoggerMessage(EventId = 1501, Level = LogLevel.Warning, Message = "[portveil] Refused fleet ban of {Target} from host {Origin}: allowlisted here ({Entry})")]
    public static partial void FleetBanAllowlisted(ILogger logger, string target, string origin, string entry);

    [LoggerMessage(EventId = 1502, Level = LogLevel.Information, Message = "[portveil] Not importing the ban of {Target} from host {Origin} yet: {Hosts} of {Consensus} hosts reported it")]
    public static partial void FleetBanAwaitingConsensus(ILogger logger, string target, string origin, int hosts, int consensus);

    [LoggerMessage(EventId = 1503, Level = LogLevel.Error, Message = "Importing fleet bans failed; retrying")]
    public static partial void FleetImportFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1504, Level = LogLevel.Information, Message = "Fleet: listening for bans of other hosts on {Database} (consensus {Consensus})")]
    public static partial void FleetStarted(ILogger logger, string database, int consensus);

    [LoggerMessage(EventId = 1505, Level = LogLevel.Warning, Message = "Fleet: [fleet] enabled needs storage.backend = \"postgresql\"; this host shares nothing")]
    public static partial void FleetNeedsPostgres(ILogger logger);

    [LoggerMessage(EventId = 1506, Level = LogLevel.Information, Message = "[portveil] Not banning {Source} for the distributed scan: {Explanation}")]
    public static partial void CorrelationSkipped(ILogger logger, string source, string explanation);

    [LoggerMessage(EventId = 1507, Level = LogLevel.Information, Message = "Fleet: {Source} was banned by another host first; importing that ban instead")]
    public static partial void CorrelationLost(ILogger logger, string source);

    [LoggerMessage(EventId = 1508, Level = LogLevel.Error, Message = "Fleet correlation failed; retrying")]
    public static partial void CorrelationFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1509, Level = LogLevel.Information, Message = "Kernel ban of {Target} at start is fleet host {Origin}'s ban imported here; not recorded as this host's")]
    public static partial void RecoveryKeptForeign(ILogger logger, string target, string origin);

    [LoggerMessage(EventId = 1510, Level = LogLevel.Warning, Message = "[portveil] Unban {Target}: fleet host {Origin}'s ban was lifted ({Reason}) while this host was down")]
    public static partial void RecoveryLiftedForeign(ILogger logger, string target, string origin, string reason);

    [LoggerMessage(EventId = 1511, Level = LogLevel.Warning, Message = "Fleet: another PortVeil daemon is already connected to {Database} under this host's name {HostName} ({Sessions} session(s); the first from {ClientAddress}, connected since {ConnectedSince}, server pid {Pid}, session name '{ApplicationName}'). Two hosts under one name break the fleet: each treats the other's bans as its own, so they are never imported into this kernel, and fleet.consensus counts both hosts as one. Set a distinct fleet.host_name on each host (docs/fleet.md) and restart them. PortVeil keeps running: if that daemon is gone (a power loss leaves its session behind until the server drops it), this warning is stale")]
    public static partial void FleetHostNameInUse(ILogger logger, string hostName, string database, int sessions, string clientAddress, string connectedSince, int pid, string applicationName);

    [LoggerMessage(EventId = 1512, Level = LogLevel.Warning, Message = "Fleet: could not check whether another host is connected under this host's name {HostName} ({Error}); starting anyway")]
    public static partial void FleetHostNameCheckFailed(ILogger logger, string hostName, string error);
}
