namespace Guardrails.Webhook.Cli.Testing;

/// <summary>How one case went: passed, or every way the answer differed from what the suite expects.</summary>
public sealed record RuleTestResult(RuleTestSuite Suite, RuleTestCase Case, IReadOnlyList<string> Differences, TimeSpan Duration)
{
    public bool Passed => Differences.Count == 0;
}
