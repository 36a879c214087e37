using PortVeil.TestSupport.Lab;

namespace PortVeil.Effectiveness.Scenarios;

/// <summary>What a scenario gets: the lab (its scanners are the scenario's to use) and whether --quick was asked.</summary>
internal sealed record ScenarioContext(LabTopology Lab, bool Quick);
