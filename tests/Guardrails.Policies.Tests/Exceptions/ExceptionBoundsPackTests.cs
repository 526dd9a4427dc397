using Guardrails.Policies.Engine;
using Guardrails.Policies.Packs;

namespace Guardrails.Policies.Tests.Exceptions;

public sealed class ExceptionBoundsPackTests
{
    [Fact]
    public void A_pack_states_the_bounds_per_rule()
    {
        var bounds = ExceptionTestData.Policy.ExceptionBoundsFor("resource-requirements").ShouldNotBeNull();

        bounds.SelfService.ShouldBeTrue();
        bounds.ApprovalRequired.ShouldBeTrue();
        bounds.MaxDuration.ShouldBe(TimeSpan.FromHours(24));
        bounds.Fields.ShouldBe(["limits.memory"]);
        ExceptionTestData.Policy.ExceptionBoundsFor("image-tag").ShouldBeNull();
        ExceptionTestData.Policy.AllowsExceptions.ShouldBeTrue();
    }

    [Fact]
    public void Invalid_bounds_are_refused_with_file_line_and_reason()
    {
        var result = PolicyCompiler.Compile([new PackSource("pack.yaml", """
            apiVersion: guardrails.dev/v1alpha1
            kind: RulePack
            metadata: { name: p }
            spec:
              rules:
                - id: resource-requirements
                  exceptions:
                    selfService: true
                    maxDuration: a week
                    fields: [limits.disk]
                    approval: maybe
                    ticketPattern: '(['
                    owner: me
            """)]);

        result.Policy.ShouldBeNull();
        result.Errors.Select(e => $"{e.Line}: {e.Message}").ShouldBe(
        [
            "9: rule 'resource-requirements': exceptions.maxDuration 'a week' is not a duration such as 168h or 90m",
            "10: rule 'resource-requirements': exceptions.fields entry 'limits.disk' is not one of requests.cpu, requests.memory, limits.cpu, limits.memory",
            "11: rule 'resource-requirements': exceptions.approval must be 'required' or 'none', not 'maybe'",
            "12: rule 'resource-requirements': exceptions.ticketPattern is not a valid regular expression: Invalid pattern '([' at offset 2. Unterminated [] set.",
            "13: unknown field 'spec.rules[0].exceptions.owner' (expected one of: approval, containers, deleteExpiredAfter, fields, images, maxDuration, namespaceSelector, namespaces, requireReason, selfService, ticketPattern)",
        ]);
    }
}
