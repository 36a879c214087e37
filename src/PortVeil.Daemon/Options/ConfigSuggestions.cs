namespace PortVeil.Daemon.Options;

/// <summary>"Did you mean …?" for unknown keys and sections: same name in another section, different spelling, a typo.</summary>
internal static class ConfigSuggestions
{
    /// <summary>The best candidate for <paramref name="name"/>, or null when nothing is close.</summary>
    public static string? Closest(string name, IEnumerable<string> candidates)
    {
        var normal = Normalize(name);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            if (Normalize(candidate) == normal)
            {
                return candidate;
            }

            var d = Distance(normal, Normalize(candidate));
            if (d < bestDistance)
            {
                bestDistance = d;
                best = candidate;
            }
        }

        // A third of the name, at least 2 edits: "reflex_treshold" finds reflex_threshold, "port" finds nothing.
        return best is not null && bestDistance <= Math.Max(2, normal.Length / 3) ? best : null;
    }

    /// <summary>Case, '-' and '_' do not matter: "dryRun", "dry-run" and "DRY_RUN" all mean dry_run.</summary>
    private static string Normalize(string s) => s.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();

    private static int Distance(string a, string b)
    {
        if (a.Length > 64 || b.Length > 64)
        {
            return int.MaxValue;
        }

        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
