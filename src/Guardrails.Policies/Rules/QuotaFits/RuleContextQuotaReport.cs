using Guardrails.Policies.Authoring;
using Guardrails.Policies.Engine;
using Guardrails.Policies.Quantities;

namespace Guardrails.Policies.Rules.QuotaFits;

internal sealed class RuleContextQuotaReport(RuleContext context) : IQuotaReport
{
    public string Namespace => context.Namespace;

    public void Report(string path, string actual, string message, string fix) => context.Report(path, actual, message, fix);

    public void Warn(string path, string actual, string message, string fix) => context.Warn(path, actual, message, fix);

    public void Claim(string quota, string resource, Quantity amount) => context.Claim(quota, resource, amount);
}
