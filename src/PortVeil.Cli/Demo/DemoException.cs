namespace PortVeil.Cli.Demo;

/// <summary>The demo could not run (not root, nmap missing, a lab command failed); the message says what to do.</summary>
internal sealed class DemoException : Exception
{
    public DemoException(string message)
        : base(message)
    {
    }

    public DemoException()
    {
    }

    public DemoException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
