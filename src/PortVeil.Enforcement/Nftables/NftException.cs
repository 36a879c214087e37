namespace PortVeil.Enforcement.Nftables;

/// <summary>libnftables refused a command; the message carries nft's own error text.</summary>
public sealed class NftException : Exception
{
    public NftException()
    {
    }

    public NftException(string message)
        : base(message)
    {
    }

    public NftException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public NftException(string what, NftResult result)
        : base($"{what} failed (nft return code {result.ReturnCode}): {result.Error.Trim()}")
    {
        Result = result;
    }

    public NftResult Result { get; }
}
