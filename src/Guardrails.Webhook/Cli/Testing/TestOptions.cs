namespace Guardrails.Webhook.Cli.Testing;

/// <param name="PoliciesDirectory">The policies directory: packs, <c>rules/*.cs</c> and <c>tests/*.yaml</c>.</param>
/// <param name="JUnitFile">Where to write JUnit XML, or null.</param>
public sealed record TestOptions(string? PoliciesDirectory, string? JUnitFile);
