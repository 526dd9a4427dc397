using FluentValidation;

namespace Guardrails.Policies.Rules.QuotaFits;

internal sealed class QuotaFitsParametersValidator : AbstractValidator<QuotaFitsParameters>
{
    public QuotaFitsParametersValidator()
    {
        RuleFor(p => p.WhenStateUnavailable)
            .Must(v => v is "Allow" or "Deny")
            .WithMessage(p => $"'{p.WhenStateUnavailable}' is not Allow or Deny");
    }
}
