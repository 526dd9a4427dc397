namespace Guardrails.Webhook.Tests.Telemetry;

/// <summary>
/// Tests whose providers listen to the process-wide <c>Guardrails</c> meter name run one at a time. The OTel SDK
/// merges same-named instruments of different Meter instances into one stream, and when one of those meters is
/// disposed it deactivates the shared stream for every provider, so a test finishing in parallel would orphan
/// another test's measurements. Every test server registers that meter too, so this collection runs alone,
/// after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GuardrailsMeterCollection
{
    public const string Name = "Guardrails meter";
}
