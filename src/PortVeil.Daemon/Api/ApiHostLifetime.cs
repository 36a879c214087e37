using Microsoft.Extensions.Hosting;

namespace PortVeil.Daemon.Api;

/// <summary>
/// The API's web host starts and stops with the daemon, never on its own: no Ctrl+C or SIGTERM handlers (the
/// daemon's own host has those, and a second set would stop the API before the daemon had finished its work).
/// </summary>
internal sealed class ApiHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
