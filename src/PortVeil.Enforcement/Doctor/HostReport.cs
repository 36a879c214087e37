namespace PortVeil.Enforcement.Doctor;

/// <summary>Every doctor finding; <see cref="Healthy"/> when every required check passed.</summary>
public sealed record HostReport(IReadOnlyList<CapabilityCheck> Checks)
{
    public bool Healthy
    {
        get
        {
            foreach (var c in Checks)
            {
                if (c.Required && c.Status == CheckStatus.Failed)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
