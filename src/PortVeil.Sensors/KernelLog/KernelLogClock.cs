namespace PortVeil.Sensors.KernelLog;

/// <summary>
/// Turns the times in kernel log lines into nanoseconds since the Unix epoch. Classic syslog stamps have no year
/// and only whole seconds; the kernel's uptime in brackets ("[  283.900611]") restores sub-second order.
/// </summary>
/// <remarks>
/// The first line with both a whole-second wall time and an uptime anchors the clock: later lines get
/// anchor + (uptime - anchor uptime). When that drifts more than 1.5 s from the line's own wall time (a reboot,
/// a suspend, a clock step), the clock re-anchors on that line. The 1.5 s bound: the anchor can be up to 1 s early
/// (its wall second is truncated), so a correct estimate is always within (wall - 1 s, wall + 1 s).
/// The year of the first syslog line is given, or taken from the file's modification time (a line whose month
/// is later than the mtime's month is from the year before); it steps up when the month wraps (December → January).
/// </remarks>
internal sealed class KernelLogClock
{
    private const long NsPerSecond = 1_000_000_000L;
    private const long ReanchorToleranceNs = 1_500_000_000L;

    private readonly TimeZoneInfo _zone;
    private readonly int? _fixedYear;
    private readonly DateTime _reference;
    private readonly long _bootTimeNs;
    private int _year;
    private int _lastMonth;
    private bool _haveAnchor;
    private long _anchorNs;
    private long _anchorUptimeNs;
    private long _lastNs;

    // The UTC start of the last local hour seen: one time-zone lookup per hour of log, not per line.
    private int _cachedHourKey = -1;
    private long _cachedHourNs;

    public KernelLogClock(int? year, DateTime reference, TimeZoneInfo zone, long bootTimeNs)
    {
        _fixedYear = year;
        _reference = reference;
        _zone = zone;
        _bootTimeNs = bootTimeNs;
        _lastNs = bootTimeNs;
    }

    /// <summary>A syslog "MMM dd HH:mm:ss[.ffffff]" stamp; false for an impossible date (Feb 30).</summary>
    public bool TryFromSyslog(int month, int day, int hour, int minute, int second, long fractionNs, bool hasFraction, long uptimeNs, out long ns)
    {
        if (_lastMonth == 0)
        {
            _year = _fixedYear ?? (month > _reference.Month ? _reference.Year - 1 : _reference.Year);
        }
        else if (month < _lastMonth)
        {
            _year++;
        }

        _lastMonth = month;
        if (day > DateTime.DaysInMonth(_year, month) || hour > 23 || minute > 59 || second > 60)
        {
            ns = 0;
            return false;
        }

        var key = (((((_year * 13) + month) * 32) + day) * 24) + hour;
        if (key != _cachedHourKey)
        {
            var local = new DateTime(_year, month, day, hour, 0, 0, DateTimeKind.Unspecified);
            var utc = local - _zone.GetUtcOffset(local);
            _cachedHourNs = (utc - DateTime.UnixEpoch).Ticks * 100;
            _cachedHourKey = key;
        }

        var wallNs = _cachedHourNs + (((minute * 60L) + second) * NsPerSecond) + fractionNs;
        ns = Refine(wallNs, hasFraction, uptimeNs);
        return true;
    }

    /// <summary>An ISO 8601 stamp already converted to UTC nanoseconds.</summary>
    public long FromIso(long utcNs, bool hasFraction, long uptimeNs) => Refine(utcNs, hasFraction, uptimeNs);

    /// <summary>A bare line: boot time + uptime, or the previous line's time when there is no uptime either.</summary>
    public long FromUptime(long uptimeNs)
    {
        if (uptimeNs >= 0)
        {
            _lastNs = _bootTimeNs + uptimeNs;
        }

        return _lastNs;
    }

    private long Refine(long wallNs, bool hasFraction, long uptimeNs)
    {
        if (hasFraction || uptimeNs < 0)
        {
            _lastNs = wallNs;
            return wallNs;
        }

        if (_haveAnchor)
        {
            var estimate = _anchorNs + (uptimeNs - _anchorUptimeNs);
            if (estimate > wallNs - ReanchorToleranceNs && estimate < wallNs + ReanchorToleranceNs)
            {
                _lastNs = estimate;
                return estimate;
            }
        }

        _haveAnchor = true;
        _anchorNs = wallNs;
        _anchorUptimeNs = uptimeNs;
        _lastNs = wallNs;
        return wallNs;
    }
}
