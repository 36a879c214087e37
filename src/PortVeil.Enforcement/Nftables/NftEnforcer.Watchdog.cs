using System.Diagnostics;
using System.Text.Json.Nodes;
using PortVeil.Core;

namespace PortVeil.Enforcement.Nftables;

public sealed partial class NftEnforcer
{
    private readonly Thread? _watchdog;
    private readonly CancellationTokenSource _stop = new();
    private volatile bool _tableCreated;

    /// <summary>nft's error text when an in-place repair was refused and the table had to be rebuilt.</summary>
    public string? LastRepairError { get; private set; }

    /// <summary>The last error the watchdog met (it keeps going), for `portveil doctor` and logs.</summary>
    public Exception? LastWatchdogError { get; private set; }

    /// <summary>
    /// True when the kernel holds our table with every set and every chain at its expected rule count.
    /// A terse listing (no set elements) keeps this cheap with many bans.
    /// </summary>
    public Task<bool> IsTableIntactAsync() => IsTableIntactAsync(_nft);

    private async Task<bool> IsTableIntactAsync(NftContext nft)
    {
        var shape = await ReadShapeAsync(nft).ConfigureAwait(false);
        if (shape is null || !shape.Sets.IsSupersetOf(_ruleset.ExpectedSets))
        {
            return false;
        }

        foreach (var (chain, count) in _ruleset.ExpectedRuleCounts)
        {
            if (shape.RuleCounts.GetValueOrDefault(chain, -1) != count)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Our table's sets and rule counts, or null when it does not exist.</summary>
    private async Task<NftListing.TableShape?> ReadShapeAsync(NftContext nft)
    {
        var command = new NftTableBuilder(_ruleset.Table);
        var list = System.Text.Encoding.UTF8.GetBytes(
            new JsonObject
            {
                ["nftables"] = new JsonArray(new JsonObject
                {
                    ["list"] = new JsonObject { ["table"] = new JsonObject { ["family"] = "inet", ["name"] = command.Table } },
                }),
            }.ToJsonString());
        var r = await nft.RunAsync(list, terse: true).ConfigureAwait(false);
        return r.Succeeded ? NftListing.ReadShape(r.Output) : null;
    }

    /// <summary>
    /// Creates or repairs the table in as few transactions as nft 1.0.6 allows: the sub-second sets in nft syntax
    /// (JSON cannot say 700 ms), then one JSON batch with everything else and every active ban with its remaining
    /// time. If that batch is refused (a stale table of another shape), the table is deleted and built afresh.
    /// </summary>
    private async Task<int> ApplyTableAsync(bool restoreBans)
    {
        var prelude = _ruleset.NativePrelude();
        if (prelude.Length > 0)
        {
            var p = await _nft.RunAsync(System.Text.Encoding.UTF8.GetBytes(prelude), json: false).ConfigureAwait(false);
            if (!p.Succeeded)
            {
                await DeleteOurTableAsync().ConfigureAwait(false);
                (await _nft.RunAsync(System.Text.Encoding.UTF8.GetBytes(prelude), json: false).ConfigureAwait(false)).EnsureSuccess("create gating sets");
            }
        }

        var existing = (await ReadShapeAsync(_nft).ConfigureAwait(false))?.Sets;
        var (batch, restored) = BuildTableBatch(restoreBans, existing);
        var r = await _nft.RunAsync(batch).ConfigureAwait(false);
        if (!r.Succeeded)
        {
            LastRepairError = r.Error;
            await DeleteOurTableAsync().ConfigureAwait(false);
            if (prelude.Length > 0)
            {
                (await _nft.RunAsync(System.Text.Encoding.UTF8.GetBytes(prelude), json: false).ConfigureAwait(false)).EnsureSuccess("create gating sets");
            }

            (batch, restored) = BuildTableBatch(restoreBans, null);
            (await _nft.RunAsync(batch).ConfigureAwait(false)).EnsureSuccess("create table");
        }

        _tableCreated = true;
        return restored;
    }

    private async Task DeleteOurTableAsync()
    {
        var b = new NftTableBuilder(_ruleset.Table).AddTable().DeleteTable();
        (await _nft.RunAsync(b.ToUtf8()).ConfigureAwait(false)).EnsureSuccess("delete stale table");
    }

    private (byte[] Batch, int Restored) BuildTableBatch(bool restoreBans, IReadOnlySet<string>? existingSets)
    {
        var b = new NftTableBuilder(_ruleset.Table);
        _ruleset.AppendTo(b, existingSets);
        var restored = 0;
        if (restoreBans)
        {
            restored += RestoreElements(b, _active, BanSets);
            restored += RestoreElements(b, _suspects, SuspectSets);
            lock (_gate)
            {
                b.AddElements(PortVeilRuleset.Served, PortElements(_served));
                b.AddElements(PortVeilRuleset.Tripwire, PortElements(_tripwires));
                var allow4 = new JsonArray();
                var allow6 = new JsonArray();
                foreach (var (network, length) in _allow)
                {
                    var prefix = new JsonObject { ["prefix"] = new JsonObject { ["addr"] = network.Mask(length).ToString(), ["len"] = length } };
                    (network.IsIPv4 ? allow4 : allow6).Add(prefix);
                }

                b.AddElements(PortVeilRuleset.Allow4, allow4);
                b.AddElements(PortVeilRuleset.Allow6, allow6);
            }
        }

        return (b.ToUtf8(), restored);
    }

    /// <summary>Adds every unexpired entry of <paramref name="record"/> to its set with the time it has left.</summary>
    private int RestoreElements(NftTableBuilder b, Dictionary<SourceKey, long> record, (SourceKeyKind Kind, string Set)[] targets)
    {
        var restored = 0;
        var now = _time.GetTimestamp();
        var sets = new Dictionary<SourceKeyKind, JsonArray>();
        lock (_gate)
        {
            List<SourceKey>? expired = null;
            foreach (var (key, expiry) in record)
            {
                var left = (expiry - now) / (double)_time.TimestampFrequency;
                if (left <= 0)
                {
                    // Kernel timeouts are rounded up to whole seconds: keep the record a little longer, so a
                    // re-ban in that second still renews (delete + add) instead of adding to a dying element.
                    if (left < -5)
                    {
                        (expired ??= []).Add(key);
                    }

                    continue;
                }

                if (!sets.TryGetValue(key.Kind, out var array))
                {
                    sets[key.Kind] = array = [];
                }

                array.Add(NftExpr.ElemWithTimeout(key.Address.ToString(), (long)Math.Ceiling(left)));
                restored++;
            }

            foreach (var key in expired ?? [])
            {
                record.Remove(key);
            }
        }

        foreach (var (kind, set) in targets)
        {
            if (sets.TryGetValue(kind, out var array))
            {
                b.AddElements(set, array);
            }
        }

        return restored;
    }

    private static JsonArray PortElements(IEnumerable<ServedPorts.ServedPort> ports)
    {
        var array = new JsonArray();
        foreach (var p in ports)
        {
            array.Add(new JsonObject { ["concat"] = new JsonArray((int)(byte)p.Protocol, (int)p.Port) });
        }

        return array;
    }

    private void WatchdogLoop()
    {
        if (!Interop.NetworkNamespaceJoin.TryJoinCurrentThread(_options.NetworkNamespacePath, out _))
        {
            return;
        }

        using var monitor = _options.NetlinkMonitor ? NftEventMonitor.TryOpen(_options.WatchdogInterval) : null;

        // Checks read through a context of their own, so a check never queues in front of a ban.
        using var checker = new NftContext();
        var lastCheck = Stopwatch.GetTimestamp();
        while (!_stop.IsCancellationRequested)
        {
            var urgent = false;
            if (monitor is not null)
            {
                urgent = monitor.WaitForDeletion();
            }
            else
            {
                _stop.Token.WaitHandle.WaitOne(_options.WatchdogInterval);
            }

            if (_stop.IsCancellationRequested)
            {
                break;
            }

            if (!urgent && Stopwatch.GetElapsedTime(lastCheck) < _options.WatchdogInterval)
            {
                continue;
            }

            lastCheck = Stopwatch.GetTimestamp();
            try
            {
                if (_tableCreated && !IsTableIntactAsync(checker).GetAwaiter().GetResult())
                {
                    var restored = ApplyTableAsync(restoreBans: true).GetAwaiter().GetResult();
                    Interlocked.Increment(ref _repairs);
                    TableRestored?.Invoke(restored);
                }
            }
            catch (Exception e) when (e is NftException or InvalidOperationException or System.Text.Json.JsonException or IOException)
            {
                // The next round tries again; a failing nft must not kill the watchdog.
                LastWatchdogError = e;
            }
        }
    }

    private void StopWatchdog()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        _stop.Cancel();
        if (_watchdog is { IsAlive: true })
        {
            _watchdog.Join(TimeSpan.FromSeconds(5));
        }
    }
}
