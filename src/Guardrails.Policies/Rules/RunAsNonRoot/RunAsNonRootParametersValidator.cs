using FluentValidation;

namespace Guardrails.Policies.Rules.RunAsNonRoot;

internal sealed class RunAsNonRootParametersValidator : AbstractValidator<RunAsNonRootParameters>
{
    public RunAsNonRootParametersValidator()
    {
        RuleFor(p => p.Require)
            .Must(r => r is "both" or "runAsNonRoot" or "runAsUser")
            .WithMessage(p => $"'{p.Require}' is not one of both, runAsNonRoot, runAsUser");
        RuleFor(p => p.SetDefault)
            .Equal(false)
            .When(p => p.Form == NonRootForm.RunAsUser)
            .WithMessage("setDefault adds runAsNonRoot: true, which the runAsUser form does not check; use require: both or runAsNonRoot");
    }
}
