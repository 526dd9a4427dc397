namespace Guardrails.Webhook.Provisioning;

/// <summary>A team the platform knows, and the most its environments may add up to.</summary>
public sealed record TeamSettings
{
    public required string Name { get; init; }

    /// <summary>A resource left unset is not limited.</summary>
    public EnvironmentResources Budget { get; init; } = EnvironmentResources.None;

    /// <summary>Whether a <c>budget</c> key was written at all (one is required, even if empty).</summary>
    public bool HasBudget { get; init; }

    public int Line { get; init; }

    /// <summary>Lines of the fields below the team, keyed by their path from it (<c>budget.cpu</c>).</summary>
    public IReadOnlyDictionary<string, int> Lines { get; init; } = new Dictionary<string, int>();

    public int LineOf(string key) => Lines.TryGetValue(key, out var line) ? line : Line;
}
