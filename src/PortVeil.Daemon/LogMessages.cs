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

    // Not "[portveil] Ban": a restriction only drops raw-scanner traffic (decoy cohorts), so fail2ban-style jails must not treat it as a ban.
    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "[portveil] Restrict {Target} for {Duration} ({Scan} scan by {Detector}, decoy cohort): {Explanation}")]
    public static partial void Restrict(ILogger logger, string target, TimeSpan duration, string scan, string detector, string explanation);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Information, Message = "[portveil] Would restrict {Target} for {Duration} (dry-run): {Explanation}")]
    public static partial void DryRunRestrict(ILogger logger, string target, TimeSpan duration, string explanation);

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

    // 1300-1399: notifications (webhooks, the incident log).
    [LoggerMessage(EventId = 1300, Level = LogLevel.Warning, Message = "Webhook {Url}: {Event} message given up after {Attempts} attempt(s): {Reason}")]
    public static partial void WebhookFailed(ILogger logger, string url, string @event, int attempts, string reason);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Warning, Message = "Webhook {Url}: queue full ({Capacity} messages); new messages are dropped and counted until it drains")]
    public static partial void WebhookQueueFull(ILogger logger, string url, int capacity);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Warning, Message = "Incident log {Path} cannot be written; lines are dropped and counted")]
    public static partial void IncidentLogFailed(ILogger logger, Exception exception, string path);
    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "API and dashboard listening on {Address} (token in {TokenFile})")]
    public static partial void ApiStarted(ILogger logger, string address, string tokenFile);

    [LoggerMessage(EventId = 1206, Level = LogLevel.Error, Message = "The API and dashboard could not start on {Listen}; the daemon keeps protecting without them")]
    public static partial void ApiFailed(ILogger logger, Exception exception, string listen);

    [LoggerMessage(EventId = 1250, Level = LogLevel.Warning, Message = "Loading operator changes (allow entries, manual bans and unbans) from storage failed; retrying in a second")]
    public static partial void OperatorSyncFailed(ILogger logger, Exception exception);

    // 1400-1499: storage faults and recovery.
    [LoggerMessage(EventId = 1400, Level = LogLevel.Error, Message = "Storage is failing: {Error} Kernel bans keep working; bans and incidents are buffered in memory ({Buffered} now, none dropped up to {Capacity}), event aggregates too (oldest dropped when {EventCapacity} are waiting)")]
    public static partial void StorageFailing(ILogger logger, string error, int buffered, int capacity, int eventCapacity);

    [LoggerMessage(EventId = 1401, Level = LogLevel.Error, Message = "Storage still failing for {Database}: {Error} Buffered {Buffered}; dropped so far: {EventsDropped} event aggregates (oldest first), {Refused} bans/incidents refused because their buffer was full")]
    public static partial void StorageStillFailing(ILogger logger, string database, string error, int buffered, long eventsDropped, long refused);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Information, Message = "Storage recovered: {Database} is written again and the buffered records were committed; while it failed {EventsDropped} event aggregates were dropped and {Refused} bans/incidents refused")]
    public static partial void StorageRecovered(ILogger logger, string database, long eventsDropped, long refused);

    [LoggerMessage(EventId = 1403, Level = LogLevel.Critical, Message = "The database {Database} was corrupt at start and was moved aside to {MovedTo} (with its -wal and -shm); PortVeil starts with a new empty database and records the bans still in the kernel again. Inspect or delete the moved file")]
    public static partial void CorruptDatabaseMovedAside(ILogger logger, Exception exception, string database, string movedTo);

    [LoggerMessage(EventId = 1404, Level = LogLevel.Warning, Message = "Recovered the ban of {Target} from the kernel ({Remaining} left): its record had not reached the database before an unclean stop")]
    public static partial void RecoveredFromKernel(ILogger logger, string target, TimeSpan remaining);

    [LoggerMessage(EventId = 1405, Level = LogLevel.Error, Message = "Recording the recovered ban of {Target} failed; it waits in the storage buffer and the kernel keeps enforcing it")]
    public static partial void RecoveredBanBuffered(ILogger logger, Exception exception, string target);

    [LoggerMessage(EventId = 1600, Level = LogLevel.Information, Message = "Ban path warmed up before the sensor opened: {RoundTrips} rehearsal bans through the kernel's warm-up sets and back out ({Verdicts} verdicts) in {Milliseconds:F1} ms; {Failures} did not reach the kernel (first errno {Errno})")]
    public static partial void BanPathWarmedUp(ILogger logger, int roundTrips, long verdicts, double milliseconds, int failures, int errno);

    [LoggerMessage(EventId = 1601, Level = LogLevel.Warning, Message = "The kernel refused real-time priority {Priority} for the ban path's {Thread} thread (errno {Errno}; 1 = EPERM: the daemon has no CAP_SYS_NICE and its RLIMIT_RTPRIO is {RtprioLimit}, below {Priority}). PortVeil keeps working at normal scheduling, but on a busy host a ban then takes several ms after the deciding packet instead of under 1 ms. Grant CAP_SYS_NICE (the packaged systemd unit does), or raise RLIMIT_RTPRIO to at least {Priority} (LimitRTPRIO= in a systemd unit; sched(7)), or set sensor.realtime_priority = 0 to choose normal scheduling and silence this.")]
    public static partial void RealtimeRefused(ILogger logger, string thread, int errno, int priority, int rtprioLimit);

    [LoggerMessage(EventId = 1602, Level = LogLevel.Warning, Message = "The ban path's {Thread} thread is saturated (on a CPU more than half of the last second, or its queue filling): it runs at normal scheduling until {QuietSeconds} quiet seconds in a row, so a flood cannot starve the host")]
    public static partial void RealtimeDemoted(ILogger logger, string thread, int quietSeconds);

    [LoggerMessage(EventId = 1603, Level = LogLevel.Information, Message = "The ban path's {Thread} thread is quiet again: back to real-time priority {Priority}")]
    public static partial void RealtimePromoted(ILogger logger, string thread, int priority);
}
