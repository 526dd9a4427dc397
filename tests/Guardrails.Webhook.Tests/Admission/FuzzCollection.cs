namespace Guardrails.Webhook.Tests.Admission;

/// <summary>
/// The fuzz run alone, after the parallel tests: its memory bound reads this whole process's managed heap, which
/// other test classes running beside it grow by hundreds of MB on a loaded machine (seen: 297 and 358 MB against
/// the 200 MB bound, while the fuzz run alone stays far below it).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FuzzCollection
{
    public const string Name = "Fuzz";
}
