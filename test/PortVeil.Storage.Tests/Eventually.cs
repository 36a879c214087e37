using PortVeil.TestSupport;

namespace PortVeil.Storage.Tests;

internal static class Eventually
{
    /// <summary>Polls until <paramref name="condition"/> holds; the timeout bounds the wait, it asserts nothing about speed.</summary>
    public static async Task TrueAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Event;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for: {what}");
            await Task.Delay(10);
        }
    }
}
