using CsCheck;
using PortVeil.Enforcement.Allowlist;

namespace PortVeil.Enforcement.Tests.Allowlist;

public class ProcNetParserPropertyTests
{
    private static readonly string[] Samples =
    [
        "eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0",
        "00000000000000000000000000000000 00 00000000000000000000000000000000 00 20010db8000000000000000000000001 00000400 00000002 00000000 00000003     eth0",
        "   1: 010200C0:0016 097100CB:C350 01 00000000:00000000 02:000AF0C8 00000000     0        0 2 4 0 20 4 31 10 -1",
        "   1: B80D0120000000000000000001000000:0016 B80D0120000000000000000042000000:D432 01 00000000:00000000 00:00000000 00000000     0        0 5 1",
        "nameserver 2001:db8::53 # resolver",
    ];

    [Fact]
    public void Mutated_and_random_lines_never_throw_and_parsed_lines_are_well_formed()
    {
        var mutated = Gen.Select(Gen.Int[0, Samples.Length - 1], Gen.Int[0, 200], Gen.Char, Gen.Int[0, 3], (i, at, c, how) =>
        {
            var s = Samples[i];
            var p = Math.Min(at, s.Length);
            return how switch
            {
                0 => s[..p],                                   // truncated
                1 => s[..p] + c + s[Math.Min(p + 1, s.Length)..], // one character replaced
                2 => s.Insert(p, c.ToString()),                // one character inserted
                _ => s[p..],                                   // head cut off
            };
        });
        var line = Gen.OneOf(mutated, Gen.String);

        line.Sample(text =>
        {
            var span = text.AsSpan();
            if (ProcNetParser.ParseRoute(span, out _, out var gw) == LineKind.Parsed)
            {
                Assert.True(gw.IsIPv4);
            }

            if (ProcNetParser.ParseIPv6Route(span, out var dev, out var gw6) == LineKind.Parsed)
            {
                Assert.False(dev.IsEmpty);
                Assert.NotEqual(default, gw6);
            }

            ProcNetParser.ParseTcp(span, out _, out _, out _, out _, out _);
            if (ProcNetParser.ParseResolvConf(span, out _) == LineKind.Parsed)
            {
                Assert.Contains("nameserver", text, StringComparison.Ordinal);
            }

            if (ProcNetParser.TryParseSshVariable(span, out var client))
            {
                Assert.NotEqual("", client.ToString());
            }
        }, iter: 20_000);
    }
}
