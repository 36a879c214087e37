using Microsoft.Extensions.Logging;

namespace PortVeil.Daemon;

/// <summary>Every log message the daemon writes. Event ids are stable: never reuse or repurpose one.</summary>
internal static partial class LogMessages
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "PortVeil started: table inet {Table}, NFLOG group {Group}, database {Database}, dry-run {DryRun}")]
    public static partial void Started(ILogger logger, string table, ushort group, string database, bool dryRun);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "PortVeil stopping; kernel bans stay in place and expire by their own timeouts")]
    public static partial void Stopping(ILogger logger);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Restored {Count} active bans from {Database}")]
    public static partial void Restored(ILogger logger, int count, string database);

    // The fail2ban-compatible line: "[portveil] Ban ADDRESS" is what fail2ban's actions log and what SIEM rules match.
    [LoggerMessage(EventId = 1100, Level = LogLevel.Warning, Message = "[portveil] Ban {Target} for {Duration} ({Scan} scan by {Detector}, level {Level}): {Explanation}")]
    public static partial void Ban(ILogger logger, string target, TimeSpan duration, string scan, string detector, int level, string explanation);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "[portveil] Would ban {Target} for {Duration} (dry-run): {Explanation}")]
    public static partial void DryRunBan(ILogger logger, string target, TimeSpan duration, string explanation);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "[portveil] Not banning {Source}: {Explanation}")]
    public static partial void Skipped(ILogger logger, string source, string explanation);

    [LoggerMessage(EventId = 1200, Level = LogLevel.Error, Message = "Kernel ban of {Target} failed; the incident is still recorded")]
    public static partial void BanFailed(ILogger logger, Exception exception, string target);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Error, Message = "Storage queue full: {What} for {Target} not recorded")]
    public static partial void StorageQueueFull(ILogger logger, string what, string target);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Error, Message = "Detection stopped with an error")]
    public static partial void DetectionFault(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Warning, Message = "Restoring the ban of {Target} failed")]
    public static partial void RestoreFailed(ILogger logger, Exception exception, string target);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Warning, Message = "Allowlist refresh failed")]
    public static partial void AllowlistRefreshFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1290, Level = LogLevel.Error, Message = "Handling the verdict on {Source} failed; detection goes on")]
    public static partial void BanPathError(ILogger logger, Exception exception, string source);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Retention: pruned {Events} event rows, {Incidents} incidents, {Bans} ended bans")]
    public static partial void Pruned(ILogger logger, long events, long incidents, long bans);

    [LoggerMessage(EventId = 1205, Level = LogLevel.Warning, Message = "Storage maintenance failed; kernel bans are unaffected")]
    public static partial void MaintenanceFailed(ILogger logger, Exception exception);
}
