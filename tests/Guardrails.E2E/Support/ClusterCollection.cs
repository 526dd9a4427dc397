namespace Guardrails.E2E.Support;

/// <summary>
/// Every E2E test class joins this collection: one Guardrails process and one webhook registration serve them all,
/// and the classes run one after another, so no test sees another's objects being admitted mid-way.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "Real cluster";
}
