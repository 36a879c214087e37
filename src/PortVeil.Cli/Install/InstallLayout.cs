namespace PortVeil.Cli.Install;

/// <summary>
/// Where scripts/install.sh puts PortVeil, under a root directory ("/" on a real host, a temporary directory in
/// tests): the same defaults as the script's PREFIX, SYSCONFDIR, STATEDIR and UNITDIR.
/// </summary>
internal sealed class InstallLayout
{
    public const string UnitName = "portveil.service";

    public InstallLayout(string root, string prefix = "/usr/local")
    {
        if (!Path.IsPathFullyQualified(root) || !Path.IsPathFullyQualified(prefix))
        {
            throw new ArgumentException("root and prefix must be absolute paths");
        }

        Root = Path.GetFullPath(root);
        Prefix = prefix;
    }

    public string Root { get; }

    public string Prefix { get; }

    public bool IsHostRoot => Root == "/";

    public string Unit => Under("/etc/systemd/system/" + UnitName);

    /// <summary>The symlink `systemctl enable` makes (WantedBy=multi-user.target).</summary>
    public string UnitWantsLink => Under("/etc/systemd/system/multi-user.target.wants/" + UnitName);

    public string BinaryLink => Under(Prefix + "/bin/portveil");

    public string ProgramDirectory => Under(Prefix + "/lib/portveil");

    public string ConfigDirectory => Under("/etc/portveil");

    public string StateDirectory => Under("/var/lib/portveil");

    private string Under(string absolute) => Path.Join(Root, absolute.TrimStart('/'));
}
