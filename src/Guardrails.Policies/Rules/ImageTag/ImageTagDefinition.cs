using FluentValidation;
using Guardrails.Policies.Authoring;
using Guardrails.Policies.Packs;

namespace Guardrails.Policies.Rules.ImageTag;

public sealed class ImageTagDefinition : RuleDefinition<ImageTagParameters>
{
    public const string RuleId = "image-tag";

    public override string Id => RuleId;

    public override string Summary => "Images must be pinned: a tag that is not a moving one like 'latest', or a digest.";

    protected override IValidator<ImageTagParameters> Validator { get; } = new ImageTagParametersValidator();

    protected override ImageTagParameters Read(ParameterReader reader) => new()
    {
        DisallowedTags = reader.StringList("disallowedTags") ?? ImageTagParameters.DefaultDisallowedTags,
        ExemptImages = reader.StringList("exemptImages") ?? [],
    };

    protected override Rule Create(ImageTagParameters parameters) => new ImageTagRule(parameters);
}
