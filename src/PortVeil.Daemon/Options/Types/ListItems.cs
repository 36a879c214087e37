using Tomlyn.Syntax;

namespace PortVeil.Daemon.Options.Types;

/// <summary>
/// The items of a list setting, written either as one comma-separated string ("22,443,udp/53") or as a TOML
/// array ([22, "443", "8000-8100"]); strings inside an array may hold commas too. Empty items are skipped.
/// </summary>
internal static class ListItems
{
    public static bool TryCollect(ValueSyntax value, List<string> items, out string error)
    {
        error = "";
        switch (value)
        {
            case StringValueSyntax s:
                Split(s.Value ?? "", items);
                return true;
            case IntegerValueSyntax i:
                items.Add(i.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
                return true;
            case ArraySyntax a:
                foreach (var item in a.Items)
                {
                    switch (item.Value)
                    {
                        case StringValueSyntax s:
                            Split(s.Value ?? "", items);
                            break;
                        case IntegerValueSyntax i:
                            items.Add(i.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
                            break;
                        case null:
                            break;
                        default:
                            error = $"list items must be strings or integers, got {Describe(item.Value)}";
                            return false;
                    }
                }

                return true;
            default:
                error = $"expected a list (a string such as \"a,b\" or an array such as [\"a\", \"b\"]), got {Describe(value)}";
                return false;
        }
    }

    private static string Describe(ValueSyntax value) => value switch
    {
        BooleanValueSyntax => "a boolean",
        FloatValueSyntax => "a float",
        ArraySyntax => "an array",
        InlineTableSyntax => "a table",
        DateTimeValueSyntax => "a date",
        _ => "something else",
    };

    private static void Split(string text, List<string> items)
    {
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            items.Add(part);
        }
    }
}
