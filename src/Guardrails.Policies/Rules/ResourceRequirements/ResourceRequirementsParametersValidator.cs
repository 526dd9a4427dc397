using FluentValidation;

namespace Guardrails.Policies.Rules.ResourceRequirements;

internal sealed class ResourceRequirementsParametersValidator : AbstractValidator<ResourceRequirementsParameters>
{
    private static readonly string KnownKeys = string.Join(", ", ResourceField.Keys);

    public ResourceRequirementsParametersValidator()
    {
        RuleForEach(p => p.Required)
            .Must(key => ResourceField.Find(key) is not null)
            .WithMessage((_, key) => $"'{key}' is not one of {KnownKeys}");
        RuleForEach(p => p.Maximum.Keys)
            .Must(key => ResourceField.Find(key) is not null)
            .WithMessage((_, key) => $"'{key}' is not one of {KnownKeys}")
            .OverridePropertyName("maximum");
        RuleForEach(p => p.Defaults.Keys)
            .Must(key => ResourceField.Find(key) is not null)
            .WithMessage((_, key) => $"'{key}' is not one of {KnownKeys}")
            .OverridePropertyName("defaults");
        RuleForEach(p => p.MaxLimitRequestRatio)
            .Must(pair => pair.Key is "cpu" or "memory")
            .WithMessage((_, pair) => $"'{pair.Key}' is not cpu or memory")
            .Must(pair => pair.Value >= 1)
            .WithMessage((_, pair) => $"{pair.Key}: a limit/request ratio below 1 ({pair.Value}) would forbid every container")
            .OverridePropertyName("maxLimitRequestRatio");
        RuleForEach(p => p.Defaults)
            .Must((p, pair) => !p.Maximum.TryGetValue(pair.Key, out var max) || pair.Value <= max)
            .WithMessage((p, pair) => $"{pair.Key}: the default {pair.Value} is above the maximum {p.Maximum[pair.Key]}, so defaulted containers would be denied")
            .OverridePropertyName("defaults");
        RuleForEach(p => new[] { "cpu", "memory" })
            .Must((p, resource) => !p.Defaults.TryGetValue("requests." + resource, out var request)
                || !p.Defaults.TryGetValue("limits." + resource, out var limit)
                || limit >= request)
            .WithMessage((_, resource) => $"the default limits.{resource} is below the default requests.{resource}; Kubernetes would reject such a pod")
            .OverridePropertyName("defaults");
    }
}
