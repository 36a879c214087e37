using System.Diagnostics.CodeAnalysis;
using PortVeil.Daemon.Api;
using Tomlyn.Syntax;

namespace PortVeil.Daemon.Options.Types;

/// <summary>"ADDRESS:PORT" with an IP literal ("127.0.0.1:9870", "[::1]:9870"); host names are not resolved.</summary>
internal sealed class ListenAddressType : ConfigType<string>
{
    public static readonly ListenAddressType Instance = new();

    public override string Describe => "address:port such as \"127.0.0.1:9870\" or \"[::1]:9870\"";

    public override bool TryParse(ValueSyntax value, [NotNullWhen(true)] out string? result, out string error)
    {
        result = null;
        if (value is not StringValueSyntax s)
        {
            error = $"expected an {Describe}, got {Got(value)}";
            return false;
        }

        if (!ApiListenAddress.TryParse(s.Value, out _, out error))
        {
            return false;
        }

        result = s.Value!;
        return true;
    }

    public override string Format(string value) => Quote(value);

    public override string Display(string value) => value;
}
