namespace PortVeil.TestSupport;

/// <summary>Where the repository and the shared corpus are, found from the test binary's folder.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>The folder that holds PortVeil.slnx.</summary>
    public static string Root => LazyRoot.Value;

    /// <summary>../shared/corpus beside the repository, or $PORTVEIL_CORPUS.</summary>
    public static string Corpus =>
        Environment.GetEnvironmentVariable("PORTVEIL_CORPUS") is { Length: > 0 } env
            ? env
            : Path.GetFullPath(Path.Combine(Root, "..", "shared", "corpus"));

    public static string CorpusFile(string name) => Path.Combine(Corpus, name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PortVeil.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"PortVeil.slnx not found above {AppContext.BaseDirectory}.");
    }
}
