namespace PortVeil.Effectiveness.Protections;

/// <summary>What the protection's own record says about a ban: probes counted and seconds from first probe to verdict.</summary>
internal sealed record BanEvidence(int Probes, double SecondsFirstProbeToVerdict, string Detector);
