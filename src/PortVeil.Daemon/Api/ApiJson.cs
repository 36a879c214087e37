using System.Text.Json;
using System.Text.Json.Serialization;

namespace PortVeil.Daemon.Api;

/// <summary>The API's JSON conventions: camelCase names, enums as their lower-case names, no nulls written.</summary>
public static class ApiJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Action bodies are tiny and flat: a deeper document is an attack on the parser, not a request.
        MaxDepth = 8,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };
}
