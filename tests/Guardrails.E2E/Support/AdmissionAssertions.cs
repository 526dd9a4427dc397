namespace Guardrails.E2E.Support;

/// <summary>What a kubectl user sees when Guardrails admits or refuses, stated once for every test.</summary>
internal static class AdmissionAssertions
{
    /// <summary>Refused by this run's Guardrails (not by anything else in the apiserver), naming every given rule.</summary>
    public static void ShouldBeRefusedByGuardrails(this KubectlResult result, params string[] ruleIds)
    {
        ArgumentNullException.ThrowIfNull(result);
        ClusterFixture.IsGuardrailsDenial(result).ShouldBeTrue($"expected a refusal by Guardrails' validating webhook, got:\n{result}");
        foreach (var rule in ruleIds)
        {
            result.Stderr.ShouldContain(rule, Case.Sensitive, $"the refusal does not name rule {rule}:\n{result}");
        }
    }

    public static void ShouldBeAdmitted(this KubectlResult result, string expectedOutput)
    {
        ArgumentNullException.ThrowIfNull(result);
        result.Succeeded.ShouldBeTrue($"expected the object to be admitted, got:\n{result}");
        result.Stdout.ShouldContain(expectedOutput, Case.Sensitive, result.ToString());
    }
}
