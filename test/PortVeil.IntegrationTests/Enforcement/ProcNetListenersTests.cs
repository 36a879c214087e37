using PortVeil.Enforcement.ServedPorts;

namespace PortVeil.IntegrationTests.Enforcement;

public class ProcNetListenersTests
{
    [Theory]
    [InlineData("   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1234 1", "0A", true, 22, false)]
    [InlineData("   1: 0100007F:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1235 1", "0A", true, 5432, true)]
    [InlineData("   2: 0264A8C0:0016 0164A8C0:D431 01 00000000:00000000 00:00000000 00000000     0        0 1236 1", "0A", false, 0, false)]
    [InlineData("   3: 00000000000000000000000001000000:0277 00000000000000000000000000000000:0000 0A 0 0 0 0 0 1", "0A", true, 631, true)]
    [InlineData("   4: 0000000000000000FFFF00000100007F:1F90 00000000000000000000000000000000:0000 0A 0 0 0 0 0 1", "0A", true, 8080, true)]
    [InlineData("  12: 00000000:14E9 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 99 2", "07", true, 5353, false)]
    [InlineData("garbage", "0A", false, 0, false)]
    [InlineData("   5: 00000000:ZZZZ 00000000:0000 0A", "0A", false, 0, false)]
    public void Proc_net_lines_give_listening_ports_and_flag_loopback_binds(string line, string state, bool parsed, int port, bool loopback)
    {
        Assert.Equal(parsed, ProcNetListeners.TryParseLine(line, state, out var p, out var lo));
        if (parsed)
        {
            Assert.Equal(port, p);
            Assert.Equal(loopback, lo);
        }
    }
}
