using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using PortVeil.TestSupport;
using PortVeil.TestSupport.Lab;

namespace PortVeil.Effectiveness.Running;

/// <summary>
/// A minimal DNS responder (RFC 1035) for the lab server, and the query the guests send. A standard query for an
/// A record of one name gets <see cref="AnswerAddress"/> (documentation space); anything else well formed gets a
/// header-only REFUSED (status requests, as nmap's port-53 probe sends: opcode 2, no question) or NOTIMP reply.
/// </summary>
internal static class LabDns
{
    /// <summary>The answer to every A query: 192.0.2.53 (TEST-NET-1).</summary>
    public static readonly byte[] AnswerAddress = [192, 0, 2, 53];

    /// <summary>The name guests look up.</summary>
    public const string GuestName = "www.lab.example";

    private const int HeaderLength = 12;
    private const ushort TypeA = 1;
    private const ushort ClassIn = 1;
    private const int RcodeNotImp = 4;
    private const int RcodeRefused = 5;

    /// <summary>The reply to <paramref name="query"/>, or null when it is not a DNS query (too short, or a response).</summary>
    public static byte[]? Answer(byte[] query)
    {
        if (query.Length < HeaderLength || (query[2] & 0x80) != 0)
        {
            return null;
        }

        var opcode = (query[2] >> 3) & 0x0F;
        var questions = BinaryPrimitives.ReadUInt16BigEndian(query.AsSpan(4));
        var questionEnd = questions == 1 ? QuestionEnd(query) : -1;
        if (opcode == 0 && questionEnd > 0
            && BinaryPrimitives.ReadUInt16BigEndian(query.AsSpan(questionEnd - 4)) == TypeA
            && BinaryPrimitives.ReadUInt16BigEndian(query.AsSpan(questionEnd - 2)) == ClassIn)
        {
            // Header + the question + one A record whose name points back at the question (0xC00C).
            var reply = new byte[questionEnd + 16];
            query.AsSpan(0, questionEnd).CopyTo(reply);
            reply[2] = (byte)(0x84 | (query[2] & 0x01)); // QR, AA, RD copied
            reply[3] = 0x00;                            // RA off, RCODE 0
            BinaryPrimitives.WriteUInt16BigEndian(reply.AsSpan(6), 1); // ANCOUNT
            BinaryPrimitives.WriteUInt32BigEndian(reply.AsSpan(8), 0);  // NSCOUNT, ARCOUNT
            var a = reply.AsSpan(questionEnd);
            BinaryPrimitives.WriteUInt16BigEndian(a, 0xC00C);
            BinaryPrimitives.WriteUInt16BigEndian(a[2..], TypeA);
            BinaryPrimitives.WriteUInt16BigEndian(a[4..], ClassIn);
            BinaryPrimitives.WriteUInt32BigEndian(a[6..], 60); // TTL
            BinaryPrimitives.WriteUInt16BigEndian(a[10..], 4);
            AnswerAddress.CopyTo(a[12..]);
            return reply;
        }

        // Header only (the question, if any, is not echoed: QDCOUNT 0).
        var refused = new byte[HeaderLength];
        refused[0] = query[0];
        refused[1] = query[1];
        refused[2] = (byte)(0x80 | (query[2] & 0x79)); // QR, opcode and RD copied
        refused[3] = (byte)(opcode is 0 or 2 ? RcodeRefused : RcodeNotImp);
        return refused;
    }

    /// <summary>A standard recursive query for the A record of <paramref name="name"/> with id <paramref name="id"/>.</summary>
    public static byte[] Query(ushort id, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var labels = name.Split('.');
        var length = HeaderLength + 1 + 4;
        foreach (var l in labels)
        {
            length += 1 + l.Length;
        }

        var q = new byte[length];
        BinaryPrimitives.WriteUInt16BigEndian(q, id);
        q[2] = 0x01; // RD
        BinaryPrimitives.WriteUInt16BigEndian(q.AsSpan(4), 1);
        var at = HeaderLength;
        foreach (var l in labels)
        {
            q[at++] = (byte)l.Length;
            foreach (var c in l)
            {
                q[at++] = (byte)c;
            }
        }

        q[at++] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(q.AsSpan(at), TypeA);
        BinaryPrimitives.WriteUInt16BigEndian(q.AsSpan(at + 2), ClassIn);
        return q;
    }

    /// <summary>True when <paramref name="reply"/> answers query <paramref name="id"/> with <see cref="AnswerAddress"/>.</summary>
    public static bool IsAnswer(ReadOnlySpan<byte> reply, ushort id) =>
        reply.Length >= HeaderLength + 16
        && BinaryPrimitives.ReadUInt16BigEndian(reply) == id
        && (reply[2] & 0x80) != 0
        && (reply[3] & 0x0F) == 0
        && BinaryPrimitives.ReadUInt16BigEndian(reply[6..]) == 1
        && reply[^4..].SequenceEqual(AnswerAddress);

    /// <summary>
    /// Looks <see cref="GuestName"/> up from inside <paramref name="from"/> at <paramref name="server"/>:53 as a stub
    /// resolver does: up to <paramref name="tries"/> sends, each waiting <paramref name="timeout"/>. True when the
    /// A record came back.
    /// </summary>
    public static bool TryLookup(LabHost from, string server, ushort id, TimeSpan timeout, int tries)
    {
        ArgumentNullException.ThrowIfNull(from);
        DocumentationRanges.EnsureAllowed(server);
        var endpoint = new IPEndPoint(IPAddress.Parse(server), 53);
        var query = Query(id, GuestName);
        return from.RunInside(() =>
        {
            using var socket = new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            socket.Connect(endpoint);
            var buffer = new byte[512];
            for (var t = 0; t < tries; t++)
            {
                socket.Send(query);
                var deadline = DateTime.UtcNow + timeout;
                while (DateTime.UtcNow < deadline)
                {
                    var left = (int)Math.Max(1, (deadline - DateTime.UtcNow).TotalMicroseconds);
                    if (!socket.Poll(left, SelectMode.SelectRead))
                    {
                        break;
                    }

                    int n;
                    try
                    {
                        n = socket.Receive(buffer);
                    }
                    catch (SocketException)
                    {
                        break; // ICMP port unreachable (no service yet): the next try sends again.
                    }

                    if (IsAnswer(buffer.AsSpan(0, n), id))
                    {
                        return true;
                    }
                }
            }

            return false;
        });
    }

    // End of the single question (labels, then type and class), or -1 when it runs past the datagram or uses
    // compression (a query never needs it).
    private static int QuestionEnd(byte[] query)
    {
        var at = HeaderLength;
        while (at < query.Length)
        {
            var len = query[at];
            if (len == 0)
            {
                return at + 5 <= query.Length ? at + 5 : -1;
            }

            if (len > 63)
            {
                return -1;
            }

            at += 1 + len;
        }

        return -1;
    }
}
