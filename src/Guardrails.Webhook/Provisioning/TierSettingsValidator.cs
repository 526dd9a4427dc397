using FluentValidation;
using FluentValidation.Results;
using Guardrails.Policies.Quantities;

namespace Guardrails.Webhook.Provisioning;

internal sealed partial class TierSettingsValidator : AbstractValidator<TierSettings>
{
    /// <summary>Quota entries each environment's request sizes (and their aliases): a tier setting them would contradict the request.</summary>
    private static readonly HashSet<string> RequestSized = new(StringComparer.Ordinal)
    {
        "cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory", "requests.storage", "pods", "count/pods",
    };

    public TierSettingsValidator()
    {
        RuleFor(t => t.Name)
            .Must(name => PlatformSettings.KnownTiers.Contains(name, StringComparer.Ordinal))
            .WithMessage(t => $"tier '{t.Name}' is not one of {string.Join(", ", PlatformSettings.KnownTiers)}, the tiers the Environment CRD accepts")
            .WithState(t => t.Line);
        RuleFor(t => t.PodSecurity)
            .NotNull()
            .WithMessage(t => $"spec.tiers.{t.Name}.podSecurity is required: one of {string.Join(", ", TierSettings.PodSecurityLevels)}")
            .WithState(t => t.Line);
        RuleFor(t => t.PodSecurity)
            .Must(level => TierSettings.PodSecurityLevels.Contains(level, StringComparer.Ordinal))
            .When(t => t.PodSecurity is not null)
            .WithMessage(t => $"spec.tiers.{t.Name}.podSecurity '{t.PodSecurity}' is not one of {string.Join(", ", TierSettings.PodSecurityLevels)}")
            .WithState(t => t.LineOf("podSecurity"));
        RuleFor(t => t).Custom(CheckLimitRange);
        RuleFor(t => t).Custom(CheckQuota);
        RuleFor(t => t).Custom(CheckNames);
    }

    private static void CheckLimitRange(TierSettings tier, ValidationContext<TierSettings> context)
    {
        var path = $"spec.tiers.{tier.Name}.limitRange";
        foreach (var (side, defaults) in new[] { ("default", tier.DefaultLimits), ("defaultRequest", tier.DefaultRequests) })
        {
            foreach (var (resource, value) in defaults.Entries())
            {
                if (value.Value <= 0)
                {
                    Fail(context, $"{path}.{side}.{resource}", tier.LineOf($"limitRange.{side}.{resource}"), $"must be more than 0, not {value}");
                }
            }
        }

        foreach (var (resource, request) in tier.DefaultRequests.Entries())
        {
            var limit = tier.DefaultLimits.Entries().Where(e => e.Resource == resource).Select(e => (Quantity?)e.Value).FirstOrDefault();
            if (limit is { } l && request > l)
            {
                Fail(
                    context,
                    $"{path}.defaultRequest.{resource}",
                    tier.LineOf($"limitRange.defaultRequest.{resource}"),
                    $"{request} is above default.{resource} {l}: Kubernetes refuses a LimitRange whose default request exceeds its default limit");
            }
        }
    }

    private static void CheckQuota(TierSettings tier, ValidationContext<TierSettings> context)
    {
        foreach (var (resource, value) in tier.QuotaHard)
        {
            var path = $"spec.tiers.{tier.Name}.quota.hard.{resource}";
            var line = tier.LineOf($"quota.hard.{resource}");
            if (RequestSized.Contains(resource))
            {
                Fail(context, path, line, "is sized by each environment's request (spec.resources), so a tier cannot set it");
            }
            else if (!ResourceName().IsMatch(resource))
            {
                Fail(context, path, line, "is not a Kubernetes resource name (for example services.loadbalancers or count/secrets)");
            }

            if (value.Value < 0)
            {
                Fail(context, path, line, $"is negative ({value})");
            }
        }
    }

    private static void CheckNames(TierSettings tier, ValidationContext<TierSettings> context)
    {
        var path = $"spec.tiers.{tier.Name}";
        foreach (var ns in tier.AllowFromNamespaces.Where(n => !DnsLabel.IsValid(n)))
        {
            Fail(context, $"{path}.network.allowFromNamespaces", tier.LineOf("network.allowFromNamespaces"), $"'{ns}' is not a namespace name ({DnsLabel.Description})");
        }

        foreach (var pack in tier.Packs.Where(p => !DnsLabel.IsValid(p)))
        {
            Fail(context, $"{path}.packs", tier.LineOf("packs"), $"'{pack}' is not a pack name ({DnsLabel.Description})");
        }
    }

    private static void Fail(ValidationContext<TierSettings> context, string path, int line, string message) =>
        context.AddFailure(new ValidationFailure(path, $"{path} {message}") { CustomState = line });

    [System.Text.RegularExpressions.GeneratedRegex(@"^([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")]
    private static partial System.Text.RegularExpressions.Regex ResourceName();
}
