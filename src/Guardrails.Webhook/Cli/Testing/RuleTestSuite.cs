namespace Guardrails.Webhook.Cli.Testing;

/// <summary>A test suite file (<c>policies/tests/*.yaml</c>, kind RuleTestSuite): named cases for shipped and custom rules alike.</summary>
/// <param name="EnablePacks">Packs the suite judges as enabled (<c>spec.enablePacks</c>), so a pack that ships disabled is tested as it will behave once enabled.</param>
public sealed record RuleTestSuite(string File, string Name, IReadOnlyList<RuleTestCase> Cases)
{
    public IReadOnlyList<string> EnablePacks { get; init; } = [];
}
