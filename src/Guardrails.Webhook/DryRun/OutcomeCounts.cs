namespace Guardrails.Webhook.DryRun;

/// <summary>How many results had each outcome, counted as they stream past.</summary>
public sealed class OutcomeCounts
{
    public static readonly IReadOnlyList<string> Outcomes = ["allowed", "denied", "skipped", "invalid"];

    private readonly int[] _counts = new int[Outcomes.Count];

    public int Objects { get; private set; }

    public int this[string outcome] => _counts[Index(outcome)];

    public void Add(string outcome)
    {
        _counts[Index(outcome)]++;
        Objects++;
    }

    private static int Index(string outcome) => outcome switch
    {
        "allowed" => 0,
        "denied" => 1,
        "skipped" => 2,
        _ => 3,
    };
}
