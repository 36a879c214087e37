using PortVeil.Core;

namespace PortVeil.Detection.Distributed;

/// <summary>One candidate campaign: a /24, a /64 or a tool fingerprint, with its members and closed ports.</summary>
internal struct GroupState
{
    public ulong KeyHigh;
    public ulong KeyLow;
    public long FirstSeenNs;
    public long LastSeenNs;
    public PortSketch ClosedPorts;
    public MemberList Members;
    public byte MemberCount;
    public GroupKind Kind;
    public bool Flagged;

    /// <summary>Verdicts emitted for members in this window (bounded by the group verdict budget).</summary>
    public ushort VerdictsEmitted;

    public readonly int ClosedPortEstimate
    {
        get
        {
            var ones = 0;
            for (var i = 0; i < 4; i++)
            {
                ones += System.Numerics.BitOperations.PopCount(ClosedPorts[i]);
            }

            var zeros = 256 - ones;
            return zeros == 0 ? 1420 : (int)Math.Round(-256.0 * Math.Log(zeros / 256.0));
        }
    }

    public readonly string Describe() => Kind switch
    {
        GroupKind.Prefix24 => NetAddress.FromV4((uint)KeyLow).ToString() + "/24",
        GroupKind.Prefix64 => new NetAddress(KeyHigh, 0).ToString() + "/64",
        _ => "fingerprint " + ScanNames.Of((ScannerTool)KeyLow),
    };
}
