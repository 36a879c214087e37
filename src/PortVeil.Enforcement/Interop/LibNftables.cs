using System.Runtime.InteropServices;

namespace PortVeil.Enforcement.Interop;

/// <summary>
/// P/Invoke to libnftables.so.1 (nftables 1.0.6 on Debian 12). The context is not thread-safe: one context per
/// thread. nft_ctx_new opens its netlink socket immediately (checked on 1.0.6), so a context belongs to the network
/// namespace of the thread that created it.
/// </summary>
internal static partial class LibNftables
{
    public const string Library = "libnftables.so.1";

    /// <summary>NFT_CTX_OUTPUT_HANDLE: print object handles.</summary>
    public const uint OutputHandle = 1u << 3;

    /// <summary>NFT_CTX_OUTPUT_JSON: JSON output, and JSON input is tried first (1.0.6 has no input flags).</summary>
    public const uint OutputJson = 1u << 4;

    /// <summary>NFT_CTX_OUTPUT_TERSE: omit set elements from listings.</summary>
    public const uint OutputTerse = 1u << 11;

    [LibraryImport(Library, EntryPoint = "nft_ctx_new")]
    public static partial IntPtr CtxNew(uint flags);

    [LibraryImport(Library, EntryPoint = "nft_ctx_free")]
    public static partial void CtxFree(IntPtr ctx);

    [LibraryImport(Library, EntryPoint = "nft_ctx_buffer_output")]
    public static partial int CtxBufferOutput(IntPtr ctx);

    [LibraryImport(Library, EntryPoint = "nft_ctx_buffer_error")]
    public static partial int CtxBufferError(IntPtr ctx);

    [LibraryImport(Library, EntryPoint = "nft_ctx_get_output_buffer")]
    public static partial IntPtr CtxGetOutputBuffer(IntPtr ctx);

    [LibraryImport(Library, EntryPoint = "nft_ctx_get_error_buffer")]
    public static partial IntPtr CtxGetErrorBuffer(IntPtr ctx);

    [LibraryImport(Library, EntryPoint = "nft_ctx_output_get_flags")]
    public static partial uint CtxOutputGetFlags(IntPtr ctx);

    [LibraryImport(Library, EntryPoint = "nft_ctx_output_set_flags")]
    public static partial void CtxOutputSetFlags(IntPtr ctx, uint flags);

    [LibraryImport(Library, EntryPoint = "nft_ctx_set_dry_run")]
    public static partial void CtxSetDryRun(IntPtr ctx, [MarshalAs(UnmanagedType.U1)] bool dry);

    /// <summary>Runs a NUL-terminated command buffer (JSON or nft syntax); 0 on success.</summary>
    [LibraryImport(Library, EntryPoint = "nft_run_cmd_from_buffer")]
    public static unsafe partial int RunCmdFromBuffer(IntPtr ctx, byte* buffer);
}
