using FluentValidation;

namespace Guardrails.Policies.Rules.ImageTag;

internal sealed class ImageTagParametersValidator : AbstractValidator<ImageTagParameters>
{
    public ImageTagParametersValidator()
    {
        RuleForEach(p => p.DisallowedTags)
            .Matches(@"^[\w][\w.-]{0,127}$")
            .WithMessage((_, tag) => $"'{tag}' is not a valid image tag");
        RuleForEach(p => p.ExemptImages)
            .NotEmpty()
            .WithMessage("an exempt image pattern cannot be empty");
    }
}
