namespace PortVeil.Enforcement.Nftables;

/// <summary>What one libnftables command returned: its exit code, its output (JSON listings) and its error text.</summary>
public readonly record struct NftResult(int ReturnCode, string Output, string Error)
{
    public bool Succeeded => ReturnCode == 0;

    /// <summary>Throws <see cref="NftException"/> naming <paramref name="what"/> unless the command succeeded.</summary>
    public NftResult EnsureSuccess(string what) => Succeeded ? this : throw new NftException(what, this);
}
