using PortVeil.Core;
using PortVeil.Detection.State;
using PortVeil.Detection.Stealth;

namespace PortVeil.Detection.Tests.Units;

public class ProbeClassifierTests
{
    [Theory]
    [InlineData(TcpFlags.Syn, false, (byte)ProbeKind.RawSyn)]
    [InlineData(TcpFlags.Syn, true, (byte)ProbeKind.OsSyn)]
    [InlineData(TcpFlags.Syn | TcpFlags.Ece | TcpFlags.Cwr, true, (byte)ProbeKind.OsSyn)] // ECN setup is an ordinary SYN
    [InlineData(TcpFlags.Syn | TcpFlags.Fin, false, (byte)ProbeKind.SynFin)]
    [InlineData(TcpFlags.Syn | TcpFlags.Rst, false, (byte)ProbeKind.OddFlags)]
    [InlineData(TcpFlags.None, false, (byte)ProbeKind.Null)]
    [InlineData(TcpFlags.Fin, false, (byte)ProbeKind.Fin)]
    [InlineData(TcpFlags.Fin | TcpFlags.Psh | TcpFlags.Urg, false, (byte)ProbeKind.Xmas)]
    [InlineData(TcpFlags.Psh, false, (byte)ProbeKind.OddFlags)]
    [InlineData(TcpFlags.Ack, false, (byte)ProbeKind.Ack)]
    [InlineData(TcpFlags.Fin | TcpFlags.Ack, false, (byte)ProbeKind.Maimon)]
    [InlineData(TcpFlags.Ack | TcpFlags.Psh, false, (byte)ProbeKind.None)]
    [InlineData(TcpFlags.Rst, false, (byte)ProbeKind.None)]
    [InlineData(TcpFlags.Rst | TcpFlags.Ack, false, (byte)ProbeKind.None)]
    [InlineData(TcpFlags.Syn | TcpFlags.Ack, false, (byte)ProbeKind.None)]
    public void Tcp_flags_are_classified_as_real_stacks_and_scanners_send_them(TcpFlags flags, bool osOptions, byte expected) =>
        Assert.Equal((ProbeKind)expected, ProbeClassifier.ClassifyTcp(flags, osOptions));

    [Theory]
    [InlineData((byte)ProbeKind.Null, true)]
    [InlineData((byte)ProbeKind.Fin, true)]
    [InlineData((byte)ProbeKind.Xmas, true)]
    [InlineData((byte)ProbeKind.SynFin, true)]
    [InlineData((byte)ProbeKind.OddFlags, true)]
    [InlineData((byte)ProbeKind.Ack, false)]
    [InlineData((byte)ProbeKind.Maimon, false)]
    [InlineData((byte)ProbeKind.RawSyn, false)]
    public void Only_flag_combinations_no_stack_sends_are_never_legitimate(byte kind, bool expected) =>
        Assert.Equal(expected, ProbeClassifier.IsNeverLegitimate((ProbeKind)kind));
}
