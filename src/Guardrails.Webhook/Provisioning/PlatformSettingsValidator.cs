using FluentValidation;

namespace Guardrails.Webhook.Provisioning;

/// <summary>What makes platform settings valid beyond their YAML shape. Each failure carries its line as custom state.</summary>
internal sealed class PlatformSettingsValidator : AbstractValidator<PlatformSettings>
{
    public PlatformSettingsValidator()
    {
        RuleFor(s => s.ApiVersion)
            .Equal(PlatformSettings.ApiVersionV1Alpha1)
            .WithMessage(s => $"apiVersion must be '{PlatformSettings.ApiVersionV1Alpha1}', not '{s.ApiVersion ?? "(missing)"}'")
            .WithState(s => s.LineOf("apiVersion"));
        RuleFor(s => s.Tiers)
            .NotEmpty()
            .WithMessage($"spec.tiers must define at least one of {string.Join(", ", PlatformSettings.KnownTiers)}")
            .WithState(s => s.LineOf("spec.tiers"));
        RuleForEach(s => s.Teams.Values).SetValidator(new TeamSettingsValidator()).OverridePropertyName("Teams");
        RuleForEach(s => s.Tiers.Values).SetValidator(new TierSettingsValidator()).OverridePropertyName("Tiers");
    }
}
