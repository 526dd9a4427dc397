namespace Guardrails.Webhook.Cli.Testing;

/// <summary>A test suite file (<c>policies/tests/*.yaml</c>, kind RuleTestSuite): named cases for shipped and custom rules alike.</summary>
public sealed record RuleTestSuite(string File, string Name, IReadOnlyList<RuleTestCase> Cases);
