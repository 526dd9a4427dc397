using Guardrails.Policies.Quantities;

namespace Guardrails.Policies.Rules.QuotaFits;

/// <summary>Where quota arithmetic reports: a rule check of an object, or a check of a replica change (scale, HPA).</summary>
internal interface IQuotaReport
{
    string Namespace { get; }

    void Report(string path, string actual, string message, string fix);

    void Warn(string path, string actual, string message, string fix);

    void Claim(string quota, string resource, Quantity amount);
}
