using System.Buffers.Binary;
using System.Runtime.InteropServices;
using PortVeil.Core;
using PortVeil.Enforcement.Interop;

namespace PortVeil.Enforcement.Nftables;

/// <summary>
/// The fast path for the one command the daemon runs on its ban path: `add element inet portveil SET { ADDRESS
/// timeout T }` as a single nf_tables netlink batch on a socket of our own, with no JSON, no libnftables cache
/// refresh and no process-wide lock. Measured in `ban-latency`: libnftables takes 0.12-0.14 ms for it back to back
/// and 0.3-0.5 ms after 20 ms of idling (its parser and cache dumps run cold); this batch is one sendmsg and one
/// ACK. Everything else (renewals, unbans, listing, the table) stays on libnftables.
/// </summary>
/// <remarks>
/// <para>What is sent (include/uapi/linux/netfilter/nf_tables.h, nfnetlink.h), each message an nlmsghdr + nfgenmsg:
/// NFNL_MSG_BATCH_BEGIN (res_id NFNL_SUBSYS_NFTABLES); NFT_MSG_NEWSETELEM (family NFPROTO_INET,
/// NLM_F_CREATE|NLM_F_ACK) with NFTA_SET_ELEM_LIST_TABLE, _SET and _ELEMENTS { NFTA_LIST_ELEM { NFTA_SET_ELEM_KEY
/// { NFTA_DATA_VALUE address }, NFTA_SET_ELEM_TIMEOUT be64 ms } … }; NFNL_MSG_BATCH_END. The kernel sends the ACK
/// after the transaction committed, so when <see cref="Add"/> returns the elements are in the set. Sets declared
/// with `counter` give each new element its counter in the kernel, as with nft.</para>
/// <para>The socket lives in the network namespace of the thread that opens it. Not thread-safe: callers
/// serialise (the enforcer holds a lock around it).</para>
/// </remarks>
internal sealed unsafe class NftSetElementSocket : IDisposable
{
    private const ushort NfnlMsgBatchBegin = 0x10;
    private const ushort NfnlMsgBatchEnd = 0x11;
    private const ushort NfnlSubsysNftables = 10;
    private const ushort NftMsgNewSetElem = 12;
    private const ushort NftMsgDelSetElem = 14;
    private const byte NfprotoInet = 1;
    private const ushort NlmFAck = 0x4;
    private const ushort NlmFCreate = 0x400;
    private const ushort NlaFNested = 0x8000;
    private const ushort NftaSetElemListTable = 1;
    private const ushort NftaSetElemListSet = 2;
    private const ushort NftaSetElemListElements = 3;
    private const ushort NftaListElem = 1;
    private const ushort NftaSetElemKey = 1;
    private const ushort NftaSetElemTimeout = 4;
    private const ushort NftaDataValue = 1;
    private const int HeaderLength = 16 + 4; // nlmsghdr + nfgenmsg

    /// <summary>Most elements one call takes: 64 × 36 bytes fit the send buffer with room for names.</summary>
    public const int MaxElements = 64;

    private readonly int _fd;
    private readonly byte[] _send = GC.AllocateUninitializedArray<byte>(8192, pinned: true);
    private readonly byte[] _receive = GC.AllocateUninitializedArray<byte>(8192, pinned: true);
    private uint _sequence = (uint)Environment.TickCount;
    private bool _disposed;

    private NftSetElementSocket(int fd) => _fd = fd;

    /// <summary>Opens a NETLINK_NETFILTER socket in the calling thread's namespace.</summary>
    public static NftSetElementSocket Open()
    {
        var fd = Netlink.Socket(Netlink.AfNetlink, Netlink.SockRaw | Netlink.SockCloexec, Netlink.NetlinkNetfilter);
        if (fd < 0)
        {
            throw new NftException($"netlink socket for set elements failed: errno {Marshal.GetLastPInvokeError()}");
        }

        var address = new Netlink.SockaddrNl { Family = Netlink.AfNetlink };
        // A lost ACK must not hang the ban path: 1 s, then the caller falls back to libnftables.
        var timeout = new Netlink.Timeval { Seconds = 1 };
        if (Netlink.Bind(fd, address, sizeof(Netlink.SockaddrNl)) != 0
            || Netlink.SetSockOpt(fd, Netlink.SolSocket, Netlink.SoRcvtimeo, timeout, sizeof(Netlink.Timeval)) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            Netlink.Close(fd);
            throw new NftException($"netlink socket for set elements: bind/setsockopt failed: errno {errno}");
        }

        return new NftSetElementSocket(fd);
    }

    /// <summary>
    /// Adds <paramref name="count"/> addresses with their timeouts to <paramref name="set"/> of `table inet
    /// <paramref name="table"/>` in one transaction. An address already in the set keeps its old timeout (as
    /// `add element` does): use it for fresh bans only.
    /// </summary>
    /// <returns>0 once the kernel acknowledged the committed transaction, else the kernel's errno.</returns>
    public int Add(string table, string set, ReadOnlySpan<NetAddress> addresses, ReadOnlySpan<long> timeoutsMs)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(timeoutsMs.Length, addresses.Length);
        return Transact(table, set, addresses, timeoutsMs);
    }

    /// <summary>
    /// Deletes <paramref name="addresses"/> from <paramref name="set"/> in one transaction (`delete element`); the
    /// ban path's warm-up removes its round trip's element with it.
    /// </summary>
    /// <returns>0 once the kernel acknowledged the committed transaction, else the kernel's errno (ENOENT when absent).</returns>
    public int Delete(string table, string set, ReadOnlySpan<NetAddress> addresses) => Transact(table, set, addresses, []);

    /// <summary>Adds with timeouts, or deletes when <paramref name="timeoutsMs"/> is empty.</summary>
    private int Transact(string table, string set, ReadOnlySpan<NetAddress> addresses, ReadOnlySpan<long> timeoutsMs)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(addresses.Length, MaxElements);
        var length = Build(_send, table, set, addresses, timeoutsMs, _sequence, out var ackSequence);
        _sequence += 3;
        fixed (byte* p = _send)
        {
            var sent = Netlink.Send(_fd, p, length, 0);
            if (sent != length)
            {
                return sent < 0 ? Marshal.GetLastPInvokeError() : Netlink.Eagain;
            }
        }

        return AwaitAck(ackSequence);
    }

    /// <summary>
    /// Writes the batch into <paramref name="buffer"/>; returns its length (tests read it back). An empty
    /// <paramref name="timeoutsMs"/> makes it a `delete element` (NFT_MSG_DELSETELEM, no timeouts).
    /// </summary>
    internal static int Build(Span<byte> buffer, string table, string set, ReadOnlySpan<NetAddress> addresses, ReadOnlySpan<long> timeoutsMs, uint sequence, out uint ackSequence)
    {
        var n = Message(buffer, 0, NfnlMsgBatchBegin, Netlink.NlmFRequest, sequence, family: 0, resId: NfnlSubsysNftables);
        var start = n;
        ackSequence = sequence + 1;
        var delete = timeoutsMs.IsEmpty;
        n = delete
            ? Message(buffer, n, (NfnlSubsysNftables << 8) | NftMsgDelSetElem, Netlink.NlmFRequest | NlmFAck, ackSequence, NfprotoInet, 0)
            : Message(buffer, n, (NfnlSubsysNftables << 8) | NftMsgNewSetElem, Netlink.NlmFRequest | NlmFCreate | NlmFAck, ackSequence, NfprotoInet, 0);
        n = StringAttribute(buffer, n, NftaSetElemListTable, table);
        n = StringAttribute(buffer, n, NftaSetElemListSet, set);
        var elements = n;
        n += 4;
        for (var i = 0; i < addresses.Length; i++)
        {
            var element = n;
            n += 4;
            var key = n;
            n += 4;
            var value = n;
            n += 4;
            n += addresses[i].WriteBytes(buffer[n..]);
            n = EndAttribute(buffer, value, n, NftaDataValue);
            n = EndAttribute(buffer, key, n, NftaSetElemKey | NlaFNested);
            if (!delete)
            {
                var timeout = n;
                n += 4;
                BinaryPrimitives.WriteInt64BigEndian(buffer[n..], timeoutsMs[i]);
                n = EndAttribute(buffer, timeout, n + 8, NftaSetElemTimeout);
            }

            n = EndAttribute(buffer, element, n, NftaListElem | NlaFNested);
        }

        n = EndAttribute(buffer, elements, n, NftaSetElemListElements | NlaFNested);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[start..], (uint)(n - start));
        return Message(buffer, n, NfnlMsgBatchEnd, Netlink.NlmFRequest, sequence + 2, family: 0, resId: NfnlSubsysNftables);
    }

    private int AwaitAck(uint sequence)
    {
        fixed (byte* p = _receive)
        {
            while (true)
            {
                var n = (int)Netlink.Recv(_fd, p, _receive.Length, 0);
                if (n < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == Netlink.Eintr)
                    {
                        continue;
                    }

                    return errno;
                }

                // NLMSG_ERROR: nlmsghdr, then int error (0 = ACK, else -errno), then the request's header.
                var span = new ReadOnlySpan<byte>(p, n);
                for (var at = 0; at + 16 <= span.Length;)
                {
                    var len = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[at..]);
                    var type = BinaryPrimitives.ReadUInt16LittleEndian(span[(at + 4)..]);
                    var seq = BinaryPrimitives.ReadUInt32LittleEndian(span[(at + 8)..]);
                    if (len < 16 || at + len > span.Length)
                    {
                        break;
                    }

                    if (type == Netlink.NlmsgError && len >= 20)
                    {
                        var error = -BinaryPrimitives.ReadInt32LittleEndian(span[(at + 16)..]);
                        if (error != 0 || seq == sequence)
                        {
                            return error;
                        }
                    }

                    at += (len + 3) & ~3;
                }
            }
        }
    }

    private static int Message(Span<byte> b, int at, int type, int flags, uint sequence, byte family, ushort resId)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(b[at..], HeaderLength);
        BinaryPrimitives.WriteUInt16LittleEndian(b[(at + 4)..], (ushort)type);
        BinaryPrimitives.WriteUInt16LittleEndian(b[(at + 6)..], (ushort)flags);
        BinaryPrimitives.WriteUInt32LittleEndian(b[(at + 8)..], sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(b[(at + 12)..], 0);
        b[at + 16] = family;
        b[at + 17] = 0; // NFNETLINK_V0
        BinaryPrimitives.WriteUInt16BigEndian(b[(at + 18)..], resId);
        return at + HeaderLength;
    }

    private static int StringAttribute(Span<byte> b, int at, ushort type, string value)
    {
        var n = at + 4;
        foreach (var c in value)
        {
            // Table and set names are our own constants (ASCII); nothing untrusted is ever written here.
            b[n++] = checked((byte)c);
        }

        b[n++] = 0;
        return EndAttribute(b, at, n, type);
    }

    /// <summary>Writes the header of the attribute that began at <paramref name="start"/>; pads to 4 bytes.</summary>
    private static int EndAttribute(Span<byte> b, int start, int end, ushort type)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(b[start..], (ushort)(end - start));
        BinaryPrimitives.WriteUInt16LittleEndian(b[(start + 2)..], type);
        var padded = (end + 3) & ~3;
        b[end..padded].Clear();
        return padded;
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            Netlink.Close(_fd);
        }
    }
}
