using System.Text;

namespace PortVeil.Cli.Reporting;

/// <summary>
/// Escaping for everything that comes from data (addresses, reasons, file names, fingerprints): the five XML
/// specials and control characters, so the text is safe in element content and in double- or single-quoted
/// attributes, and the document stays well-formed XML as well as HTML.
/// </summary>
internal static class Html
{
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        StringBuilder? sb = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var replacement = c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                // XML 1.0 forbids most C0 controls even as references; a NUL or ESC in a hostile reason becomes U+FFFD.
                < ' ' when c is not ('\t' or '\n' or '\r') => "\uFFFD",
                _ when char.IsSurrogate(c) && !IsValidPair(text, i) => "\uFFFD",
                '\uFFFE' or '\uFFFF' => "\uFFFD",
                _ => null,
            };
            if (replacement is null)
            {
                sb?.Append(c);
                continue;
            }

            sb ??= new StringBuilder(text.Length + 16).Append(text, 0, i);
            sb.Append(replacement);
        }

        return sb?.ToString() ?? text;
    }

    private static bool IsValidPair(string text, int i) =>
        char.IsHighSurrogate(text[i])
            ? i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])
            : i > 0 && char.IsHighSurrogate(text[i - 1]);
}
