namespace PortVeil.Daemon.Options.Types;

/// <summary>One TCP or UDP port, 1..65535 (port 0 is not a port anyone can connect to).</summary>
internal sealed class PortType() : IntegerType(1, 65535)
{
    public static readonly PortType Instance = new();

    public override string Describe => "port 1..65535";
}
