using FluentValidation;
using FluentValidation.Results;

namespace Guardrails.Webhook.Provisioning;

internal sealed class TeamSettingsValidator : AbstractValidator<TeamSettings>
{
    /// <summary>The team, a '-' and an environment name of at least one character must fit a 63-character namespace name.</summary>
    private const int MaxTeamLength = DnsLabel.MaxLength - 2;

    public TeamSettingsValidator()
    {
        RuleFor(t => t.Name)
            .Must(DnsLabel.IsValid)
            .WithMessage(t => $"team '{t.Name}' must be {DnsLabel.Description}, because it starts every namespace name of the team")
            .WithState(t => t.Line);
        RuleFor(t => t.Name)
            .MaximumLength(MaxTeamLength)
            .WithMessage(t => $"team '{t.Name}' is {t.Name.Length} characters: with '-' and an environment name the namespace would exceed 63")
            .WithState(t => t.Line);
        RuleFor(t => t.HasBudget)
            .Equal(true)
            .WithMessage(t => $"spec.teams.{t.Name} has no budget: set cpu, memory, storage and pods (a resource left out is not limited; budget: {{}} limits none)")
            .WithState(t => t.Line);
        RuleFor(t => t).Custom(CheckBudget);
    }

    private static void CheckBudget(TeamSettings team, ValidationContext<TeamSettings> context)
    {
        foreach (var resource in EnvironmentResources.Names)
        {
            if (team.Budget.Get(resource) is not { } value)
            {
                continue;
            }

            var path = $"spec.teams.{team.Name}.budget.{resource}";
            var line = team.LineOf($"budget.{resource}");
            if (value.Value < 0)
            {
                context.AddFailure(new ValidationFailure(path, $"{path} is negative ({value})") { CustomState = line });
            }
            else if (resource == EnvironmentResources.PodsName && decimal.Truncate(value.Value) != value.Value)
            {
                context.AddFailure(new ValidationFailure(path, $"{path} must be a whole number of pods, not {value}") { CustomState = line });
            }
        }
    }
}
