using Guardrails.Policies.Quantities;

namespace Guardrails.Policies.Engine;

/// <summary>Quota an admitted object will consume: reserved by the host until the ResourceQuota's status shows it.</summary>
public sealed record QuotaClaim(string Namespace, string Quota, string Resource, Quantity Amount);
