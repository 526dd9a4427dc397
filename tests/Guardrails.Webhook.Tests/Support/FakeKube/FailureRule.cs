namespace Guardrails.Webhook.Tests.Support.FakeKube;

/// <summary>An injected error: the next <see cref="Remaining"/> requests whose path contains <see cref="PathContains"/>.</summary>
internal sealed class FailureRule(int status, int remaining, string? pathContains)
{
    /// <summary>The status that means: do not answer at all.</summary>
    public const int NoAnswer = 0;

    public int Status { get; } = status;

    public int Remaining { get; set; } = remaining;

    public string? PathContains { get; } = pathContains;

    public bool Applies(string path) => Remaining > 0 && (PathContains is null || path.Contains(PathContains, StringComparison.Ordinal));
}
