namespace Guardrails.Webhook.Tests.Provisioning;

/// <summary>
/// The controller lifecycle tests run alone, after the parallel ones: under the full suite's load (dozens of servers
/// in one process) a requeue or a namespace DELETE was seen to stall past the tests' 10 s bound, a stall not yet
/// explained (see the session notes); alone they have not failed.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProvisioningLifecycleCollection
{
    public const string Name = "Provisioning lifecycle";
}
