using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace PortVeil.Cli.Operator;

/// <summary>
/// Where a verb writes: a Spectre.Console console over the invocation's output writer for people (colours only on a
/// real terminal; 160 columns when captured, so tables do not wrap in files and tests), or indented JSON for scripts.
/// </summary>
internal sealed class CliOutput
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public CliOutput(TextWriter writer, bool json)
    {
        Writer = writer;
        IsJson = json;
        var terminal = ReferenceEquals(writer, System.Console.Out) && !System.Console.IsOutputRedirected;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        if (!terminal)
        {
            Console.Profile.Width = 160;
        }
    }

    public TextWriter Writer { get; }

    public bool IsJson { get; }

    public IAnsiConsole Console { get; }

    public void Json(JsonNode node) => Writer.WriteLine(node.ToJsonString(Indented));

    /// <summary>A line of plain text (escaped: addresses and comments are never read as markup).</summary>
    public void Line(string text) => Console.MarkupLine(Markup.Escape(text));

    public void Warn(string text) => Console.MarkupLine("[yellow]" + Markup.Escape(text) + "[/]");
}
