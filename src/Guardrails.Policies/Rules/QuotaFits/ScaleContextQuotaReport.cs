using Guardrails.Policies.Engine;
using Guardrails.Policies.Quantities;

namespace Guardrails.Policies.Rules.QuotaFits;

/// <summary>The quota arithmetic's report over a replica change, so the engine's scale context needs no rule's types.</summary>
internal sealed class ScaleContextQuotaReport(ScaleContext context) : IQuotaReport
{
    public string Namespace => context.Namespace;

    public void Report(string path, string actual, string message, string fix) => context.Report(path, actual, message, fix);

    public void Warn(string path, string actual, string message, string fix) => context.Warn(path, actual, message, fix);

    public void Claim(string quota, string resource, Quantity amount) => context.Claim(quota, resource, amount);
}
