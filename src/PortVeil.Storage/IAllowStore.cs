namespace PortVeil.Storage;

/// <summary>The operator's persistent allowlist entries (schema version 3).</summary>
/// <remarks>The daemon re-reads them every second, so an entry made by the CLI while it runs takes effect within a second.</remarks>
public interface IAllowStore
{
    /// <summary>Adds an entry; when the block is already there its comment is replaced. True when the block is new.</summary>
    Task<bool> AddAllowAsync(AllowRecord entry, CancellationToken cancellationToken = default);

    /// <summary>Removes the entry for exactly <paramref name="block"/>; false when there was none.</summary>
    Task<bool> RemoveAllowAsync(BanTarget block, CancellationToken cancellationToken = default);

    /// <summary>Every entry, oldest first.</summary>
    Task<IReadOnlyList<AllowRecord>> ListAllowAsync(CancellationToken cancellationToken = default);
}
