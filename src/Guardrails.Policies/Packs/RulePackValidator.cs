using FluentValidation;
using Guardrails.Policies.Rules;

namespace Guardrails.Policies.Packs;

/// <summary>What makes a pack valid beyond its YAML shape. Each failure carries its line as custom state.</summary>
internal sealed class RulePackValidator : AbstractValidator<RulePack>
{
    public RulePackValidator(RuleCatalog catalog)
    {
        RuleFor(p => p.ApiVersion)
            .Equal(RulePack.ApiVersionV1Alpha1)
            .WithMessage(p => $"apiVersion must be '{RulePack.ApiVersionV1Alpha1}', not '{p.ApiVersion ?? "(missing)"}'")
            .WithState(p => p.Line);
        RuleFor(p => p.Kind)
            .Equal(RulePack.KindName)
            .WithMessage(p => $"kind must be '{RulePack.KindName}', not '{p.Kind ?? "(missing)"}'")
            .WithState(p => p.Line);
        RuleFor(p => p.Name)
            .NotEmpty().WithMessage("metadata.name is required")
            .Matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$").WithMessage(p => $"metadata.name '{p.Name}' must be a DNS-1123 label (lowercase letters, digits, '-')")
            .MaximumLength(63).WithMessage(p => $"metadata.name '{p.Name}' is longer than 63 characters")
            .WithState(p => p.NameLine);
        RuleForEach(p => p.Rules).SetValidator(new PackRuleValidator(catalog));
        RuleFor(p => p.Rules)
            .Must(rules => rules.Where(r => r.Id is not null).GroupBy(r => r.Id).All(g => g.Count() == 1))
            .WithMessage(p => $"rule '{p.Rules.Where(r => r.Id is not null).GroupBy(r => r.Id).First(g => g.Count() > 1).Key}' appears twice in pack '{p.Name}'")
            .WithState(p => p.Rules.Where(r => r.Id is not null).GroupBy(r => r.Id).FirstOrDefault(g => g.Count() > 1)?.Last().Line ?? p.Line);
    }
}
