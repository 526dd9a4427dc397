using FluentValidation;
using Guardrails.Policies.Engine;
using Guardrails.Policies.Rules;

namespace Guardrails.Policies.Packs;

internal sealed class PackRuleValidator : AbstractValidator<PackRule>
{
    public PackRuleValidator(RuleCatalog catalog)
    {
        RuleFor(r => r.Id)
            .NotEmpty().WithMessage("rule entry needs an id")
            .Must(id => id is null || catalog.Find(id) is not null)
            .WithMessage(r => $"unknown rule id '{r.Id}' (known: {string.Join(", ", catalog.Ids)})")
            .WithState(r => r.Line);
        RuleFor(r => r.ModeText)
            .Must(mode => mode is null || Enum.TryParse<EnforcementMode>(mode, ignoreCase: true, out _))
            .WithMessage(r => $"mode '{r.ModeText}' of rule '{r.Id}' is not one of Enforce, Warn, Audit, Off")
            .WithState(r => r.ModeLine);
    }
}
